namespace Ferry.Charts.Tests;

public class ManifestSorterTests
{
    [Fact]
    public void SortsByInstallOrder_UnknownKindsLastAlphabetically_StableWithinKind()
    {
        var files = new Dictionary<string, string>
        {
            ["c/templates/a.yaml"] = "kind: Zebra\nmetadata:\n  name: z\n---\nkind: Deployment\nmetadata:\n  name: d1\n",
            ["c/templates/b.yaml"] = "kind: Apple\nmetadata:\n  name: a\n---\nkind: Namespace\nmetadata:\n  name: ns\n---\nkind: Deployment\nmetadata:\n  name: d2\n",
            ["c/templates/_helpers.tpl"] = "kind: Secret",
            ["c/templates/empty.yaml"] = "  \n",
        };
        var (hooks, manifests) = ManifestSorter.Sort(files);
        Assert.Empty(hooks);
        Assert.Equal(["ns", "d1", "d2", "a", "z"], manifests.Select(m => m.MetadataName).ToList());
    }

    [Fact]
    public void HooksAreSeparatedAndUnknownHookTypesDropped()
    {
        var files = new Dictionary<string, string>
        {
            ["c/templates/h.yaml"] = "kind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: post-install, Pre-Upgrade\n    helm.sh/hook-weight: \"3\"\n---\nkind: Job\nmetadata:\n  name: odd\n  annotations:\n    helm.sh/hook: sometime\n---\nkind: ConfigMap\nmetadata:\n  name: plain\n  annotations:\n    other: x\n",
        };
        var (hooks, manifests) = ManifestSorter.Sort(files);
        var hook = Assert.Single(hooks);
        Assert.Equal(["post-install", "pre-upgrade"], hook.Events.Select(e => e.Name));
        Assert.Equal(3, hook.Weight);
        Assert.Equal("plain", Assert.Single(manifests).MetadataName);
    }

    [Fact]
    public void SplitManifests_SplitsOnlyAtLineStartMarkers()
    {
        var docs = ManifestSorter.SplitManifests("\n\na: 1\n---\nb: \"---\"\n--- \nc: 3\n");
        Assert.Equal(["a: 1\n", "b: \"---\"\n", "c: 3\n"], docs);
    }
}
