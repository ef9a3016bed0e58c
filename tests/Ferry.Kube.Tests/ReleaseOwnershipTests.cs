using Ferry.Charts;
using Ferry.Charts.Releases;
using static Ferry.Kube.Tests.ReleaseManagerTests;

namespace Ferry.Kube.Tests;

/// <summary>
/// Helm's ownership check: a release never takes over an object another release owns (its meta.helm.sh/release-name
/// and -namespace annotations), whoever applied it — Ferry applies every release as one field manager, so server-side
/// apply alone would let the second app silently take the first's object, and uninstalling either delete it. The
/// conflict is predicted by plan and refused by the deploy before anything changes; an unmarked object is adopted.
/// </summary>
public sealed class ReleaseOwnershipTests
{
    private static readonly Manifest Shared = Doc("shared.yaml", "ConfigMap", "v1", "shared", "data:\n  from: first\n");

    [Fact]
    public async Task ObjectOfAnotherRelease_IsPredicted_AndRefusedBeforeAnythingChanges()
    {
        using var target = KubeTarget.Create();
        var ns = target.Namespace;
        var manager = new ReleaseManager(target.Client);
        await manager.UpgradeOrInstallAsync(Plan(ns, [Shared]) with { Name = "first" }, target.Deploy);

        var second = Plan(ns, [Config, Doc("shared.yaml", "ConfigMap", "v1", "shared", "data:\n  from: second\n")]) with { Name = "second" };
        var predicted = await manager.PredictConflictsAsync(second);
        Assert.Equal([$"ConfigMap {ns}/shared exists and belongs to release first in namespace {ns}"], predicted);

        var e = await Assert.ThrowsAsync<KubeException>(() => manager.UpgradeOrInstallAsync(second, target.Deploy));
        Assert.Contains($"ConfigMap {ns}/shared exists and belongs to release first in namespace {ns}", e.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", e.Message, StringComparison.Ordinal);
        Assert.Empty(await manager.Store.HistoryAsync("second", ns));                       // no record
        Assert.Null(await target.GetAsync("v1", "ConfigMap", "web-config"));                 // nothing applied
        var shared = (await target.GetAsync("v1", "ConfigMap", "shared"))!;
        Assert.Equal("first", shared["data"]!["from"]!.GetValue<string>());
        Assert.Equal("first", shared["metadata"]!["annotations"]!["meta.helm.sh/release-name"]!.GetValue<string>());

        // its owner: no conflict, and it upgrades as before
        Assert.Empty(await manager.PredictConflictsAsync(Plan(ns, [Doc("shared.yaml", "ConfigMap", "v1", "shared", "data:\n  from: again\n")]) with { Name = "first" },
            await manager.Store.LastAsync("first", ns)));
        var v2 = await manager.UpgradeOrInstallAsync(Plan(ns, [Shared, Config]) with { Name = "first" }, target.Deploy);
        Assert.Equal((2, ReleaseStatus.Deployed), (v2.Version, v2.Info.Status));
    }

    [Fact]
    public async Task ObjectWithoutOwnershipMarks_IsAdopted_AndMarked()
    {
        using var target = KubeTarget.Create();
        var ns = target.Namespace;
        var manager = new ReleaseManager(target.Client);
        await target.CreateNamespaceAsync();
        await new Applier(target.Client, "kubectl").ApplyAsync(ReleaseManager.ToJson(Shared.Content)!, ns);

        Assert.Empty(await manager.PredictConflictsAsync(Plan(ns, [Shared])));
        var v1 = await manager.UpgradeOrInstallAsync(Plan(ns, [Shared]), target.Deploy);
        Assert.Equal(ReleaseStatus.Deployed, v1.Info.Status);
        var shared = (await target.GetAsync("v1", "ConfigMap", "shared"))!;
        Assert.Equal("web", shared["metadata"]!["annotations"]!["meta.helm.sh/release-name"]!.GetValue<string>());
    }

    /// <summary>
    /// A new bundle moving an object from one app to another: taken over with --force-conflicts (helm's
    /// --take-ownership), and then neither pruned nor uninstalled by the release it left.
    /// </summary>
    [Fact]
    public async Task ObjectTakenOverWithForce_IsNotDeletedByTheReleaseItLeft()
    {
        using var target = KubeTarget.Create();
        var ns = target.Namespace;
        var manager = new ReleaseManager(target.Client);
        var own = Doc("own.yaml", "ConfigMap", "v1", "first-own", "data:\n  a: \"1\"\n");
        await manager.UpgradeOrInstallAsync(Plan(ns, [Shared, own]) with { Name = "first" }, target.Deploy);

        var second = Plan(ns, [Doc("shared.yaml", "ConfigMap", "v1", "shared", "data:\n  from: second\n")]) with { Name = "second" };
        await Assert.ThrowsAsync<KubeException>(() => manager.UpgradeOrInstallAsync(second, target.Deploy));
        await manager.UpgradeOrInstallAsync(second, target.Deploy with { Force = true });
        string? Owner(System.Text.Json.Nodes.JsonObject? o) => o?["metadata"]?["annotations"]?["meta.helm.sh/release-name"]?.GetValue<string>();
        Assert.Equal("second", Owner(await target.GetAsync("v1", "ConfigMap", "shared")));

        // uninstalling the first (its revision has it) would leave it: taken over by the second
        var (_, deleted, _, taken) = await manager.PlanUninstallAsync("first", ns);
        Assert.Equal([$"ConfigMap {ns}/first-own"], deleted.Select(k => k.ToString()));
        Assert.Equal([($"ConfigMap {ns}/shared", $"release second in namespace {ns}")], taken.Select(t => (t.Key.ToString(), t.Owner)));
        // the first release's next revision no longer has it: its prune leaves the second's object alone
        await manager.UpgradeOrInstallAsync(Plan(ns, [own]) with { Name = "first", ConfigJson = "{\"moved\":true}" }, target.Deploy);
        Assert.Equal("second", Owner(await target.GetAsync("v1", "ConfigMap", "shared")));
        // the first release uninstalled (its first revision had it): still the second's
        await manager.UninstallAsync("first", ns, keepHistory: false, target.Deploy);
        Assert.Null(await target.GetAsync("v1", "ConfigMap", "first-own"));
        Assert.Equal("from: second", $"from: {(await target.GetAsync("v1", "ConfigMap", "shared"))!["data"]!["from"]}");
        await manager.UninstallAsync("second", ns, keepHistory: false, target.Deploy);
        Assert.Null(await target.GetAsync("v1", "ConfigMap", "shared"));
    }
}
