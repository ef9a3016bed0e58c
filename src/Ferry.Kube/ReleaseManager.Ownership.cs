using System.Text.Json.Nodes;
using Ferry.Charts;
using Ferry.Charts.Releases;

namespace Ferry.Kube;

/// <summary>
/// Who owns what a release applies, as Helm sees it: the ownership metadata Helm marks its objects with and checks
/// before it takes one over, and the fields other field managers own (the server-side apply conflicts a deploy would hit).
/// </summary>
public sealed partial class ReleaseManager
{
    private const string ReleaseNameAnnotation = "meta.helm.sh/release-name";
    private const string ReleaseNamespaceAnnotation = "meta.helm.sh/release-namespace";

    /// <summary>
    /// Helm's check before a revision creates anything: an object the revision adds (not in the <paramref name="deployed"/>
    /// one) that already exists marked as another release's (meta.helm.sh/release-name and -namespace) is refused, so two
    /// releases never fight over one object, nor does uninstalling one delete the other's. An existing object without
    /// those marks is adopted (as Zarf adopts; helm would refuse it). Nothing is changed.
    /// </summary>
    public async Task<IReadOnlyList<string>> ForeignObjectsAsync(string release, string ns, string manifest, Release? deployed,
        CancellationToken ct = default)
    {
        var before = deployed is null ? [] : PrunePlan.Objects(deployed.Manifest, ns).Select(e => e.Key.Identity).ToHashSet();
        var foreign = new List<string>();
        foreach (var entry in PrunePlan.Objects(manifest, ns).Where(e => e.Key.Name.Length > 0 && !before.Contains(e.Key.Identity)))
        {
            if (await OtherOwnerAsync(entry.Key, release, ns, ct).ConfigureAwait(false) is { } owner)
            {
                foreign.Add($"{entry.Key} exists and belongs to {owner}");
            }
        }
        return foreign;
    }

    /// <summary>
    /// Refuses a revision that would take over another release's objects (see <see cref="ForeignObjectsAsync"/>), unless
    /// forced (--force-conflicts: helm's --take-ownership), as when a new bundle moves an object from one app to another.
    /// </summary>
    private async Task CheckOwnershipAsync(ReleasePlan plan, Release? deployed, DeployOptions options, CancellationToken ct)
    {
        if (options.Force)
        {
            return;
        }
        var foreign = await ForeignObjectsAsync(plan.Name, plan.Namespace, Join(plan.Manifests), deployed, ct).ConfigureAwait(false);
        if (foreign.Count > 0)
        {
            throw new KubeException($"release {plan.Name} in namespace {plan.Namespace}: {string.Join("; ", foreign)} " +
                "(its meta.helm.sh/release-name and -namespace annotations); two releases cannot own one object: give it another " +
                "name in this app's values, or take it over (as helm --take-ownership does); nothing was changed")
            {
                Remedies = [Remedy.ForceConflicts],
                NothingChanged = true,
            };
        }
    }

    /// <summary>
    /// Deletes an object the release no longer has (pruned, cleaned up) unless another release has taken it
    /// over since (its ownership annotations name that release): that release's object stays. False when not deleted.
    /// </summary>
    private async Task<bool> DeleteOwnAsync(ResourceKey key, string release, string ns, CancellationToken ct = default) =>
        await OtherOwnerAsync(key, release, ns, ct).ConfigureAwait(false) is null
        && await _applier.DeleteAsync(key, ct).ConfigureAwait(false);

    /// <summary>"release R in namespace N" when the live object is marked as another release's than this one; else null.</summary>
    private async Task<string?> OtherOwnerAsync(ResourceKey key, string release, string ns, CancellationToken ct)
    {
        JsonObject? live;
        try
        {
            live = await _applier.GetAsync(key, ct).ConfigureAwait(false);
        }
        catch (KubeException)
        {
            return null; // its kind is not served (a CRD gone, or not yet made): nothing of it exists to be another's
        }
        var annotations = live?["metadata"]?["annotations"];
        var (owner, ownerNs) = (Text(annotations?[ReleaseNameAnnotation]), Text(annotations?[ReleaseNamespaceAnnotation]));
        return owner is not null && owner != release || ownerNs is not null && ownerNs != ns
            ? $"release {owner ?? release} in namespace {ownerNs ?? ns}"
            : null;
    }

    /// <summary>
    /// The ownership conflicts deploying <paramref name="plan"/> over the <paramref name="deployed"/> revision would hit:
    /// objects of another release it would take over, and every object applied as a server-side dry run (nothing changes)
    /// without taking fields over; each refused object is listed with the fields other managers own. Objects the dry run
    /// cannot judge yet (their namespace or kind does not exist) cannot conflict.
    /// </summary>
    public async Task<IReadOnlyList<string>> PredictConflictsAsync(ReleasePlan plan, Release? deployed = null, CancellationToken ct = default)
    {
        var conflicts = (await ForeignObjectsAsync(plan.Name, plan.Namespace, Join(plan.Manifests), deployed, ct).ConfigureAwait(false))
            .ToList();
        var crds = (plan.Crds ?? []).SelectMany(m => ManifestSorter.SplitManifests(m.Content)).Select(doc => (Doc: doc, Owned: false));
        var objects = plan.Manifests.SelectMany(m => ManifestSorter.SplitManifests(m.Content)).Select(doc => (Doc: doc, Owned: true));
        foreach (var (doc, owned) in crds.Concat(objects))
        {
            if (ToJson(doc) is not { } obj)
            {
                continue;
            }
            try
            {
                if (owned)
                {
                    MarkOwned(obj, plan.Name, plan.Namespace); // as the deploy applies it
                }
                await _applier.ApplyAsync(obj, plan.Namespace, force: false, dryRun: true, ct: ct).ConfigureAwait(false);
            }
            catch (KubeException e) when (e.Conflicts.Count > 0)
            {
                conflicts.Add($"{KeyOf(obj, plan.Namespace)}: {KubeConnection.Describe(e.Conflicts)}");
            }
            catch (KubeException)
            {
                // not judgeable before the deploy creates what it needs; the deploy itself reports real problems
            }
        }
        return conflicts;
    }

    /// <summary>
    /// Marks an object of the release as Helm marks what it installs (its ownership metadata): the label
    /// <c>app.kubernetes.io/managed-by: Helm</c> and the annotations <c>meta.helm.sh/release-name</c> and
    /// <c>release-namespace</c>, which helm checks before it takes over an object and tools use to find a release's objects.
    /// Hooks and crds/ objects are not marked, as in Helm.
    /// </summary>
    private static void MarkOwned(JsonObject obj, string release, string ns)
    {
        if (obj["metadata"] is not JsonObject metadata)
        {
            return; // the API server refuses it, and says why
        }
        static JsonObject? Map(JsonObject metadata, string key) => metadata[key] switch
        {
            JsonObject o => o,
            null => (JsonObject)(metadata[key] = new JsonObject()),
            _ => null,
        };
        Map(metadata, "labels")?["app.kubernetes.io/managed-by"] = "Helm";
        if (Map(metadata, "annotations") is { } annotations)
        {
            annotations[ReleaseNameAnnotation] = release;
            annotations[ReleaseNamespaceAnnotation] = ns;
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
