using Ferry.Templates.Semver;
using Ferry.Templates.Values;

namespace Ferry.Charts;

/// <summary>What helm install's discovery learns of a live cluster: <c>/version</c> (as reported) and every group/version and group/version/Kind
/// served.</summary>
public sealed record ClusterCapabilities(string GitVersion, string Major, string Minor, IReadOnlyList<string> ApiVersions);

/// <summary><c>.Capabilities</c>: the Kubernetes version, the API versions the cluster serves and Helm's version.</summary>
public sealed class Capabilities
{
    /// <summary>Helm's default when no cluster is consulted: its Kubernetes client's version (helm 4.1.4: v1.35).</summary>
    public const string DefaultKubeVersion = "v1.35.0";

    /// <summary>
    /// The group/versions Helm's client libraries know (Helm's DefaultVersionSet, helm 4.1.4 with client-go v1.35), in
    /// Helm's order; <c>.Capabilities.APIVersions</c> lists these plus <c>--api-versions</c> when no cluster is asked.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultApiVersions =
    [
        "v1", "admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1alpha1", "admissionregistration.k8s.io/v1beta1",
        "internal.apiserver.k8s.io/v1alpha1", "apps/v1", "apps/v1beta1", "apps/v1beta2", "authentication.k8s.io/v1",
        "authentication.k8s.io/v1alpha1", "authentication.k8s.io/v1beta1", "authorization.k8s.io/v1", "authorization.k8s.io/v1beta1",
        "autoscaling/v1", "autoscaling/v2", "autoscaling/v2beta1", "autoscaling/v2beta2", "batch/v1", "batch/v1beta1",
        "certificates.k8s.io/v1", "certificates.k8s.io/v1beta1", "certificates.k8s.io/v1alpha1", "coordination.k8s.io/v1alpha2",
        "coordination.k8s.io/v1beta1", "coordination.k8s.io/v1", "discovery.k8s.io/v1", "discovery.k8s.io/v1beta1", "events.k8s.io/v1",
        "events.k8s.io/v1beta1", "extensions/v1beta1", "flowcontrol.apiserver.k8s.io/v1", "flowcontrol.apiserver.k8s.io/v1beta1",
        "flowcontrol.apiserver.k8s.io/v1beta2", "flowcontrol.apiserver.k8s.io/v1beta3", "networking.k8s.io/v1", "networking.k8s.io/v1beta1",
        "node.k8s.io/v1", "node.k8s.io/v1alpha1", "node.k8s.io/v1beta1", "policy/v1", "policy/v1beta1", "rbac.authorization.k8s.io/v1",
        "rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1alpha1", "resource.k8s.io/v1", "resource.k8s.io/v1beta2",
        "resource.k8s.io/v1beta1", "resource.k8s.io/v1alpha3", "scheduling.k8s.io/v1alpha1", "scheduling.k8s.io/v1beta1",
        "scheduling.k8s.io/v1", "storage.k8s.io/v1beta1", "storage.k8s.io/v1", "storage.k8s.io/v1alpha1", "storagemigration.k8s.io/v1beta1",
        "apiextensions.k8s.io/v1beta1", "apiextensions.k8s.io/v1",
    ];

    /// <summary>
    /// <c>.Capabilities.HelmVersion</c>: the Helm release whose rendering Ferry reproduces (and is judged against), so
    /// charts that test the Helm version take the same branch they take under that Helm.
    /// </summary>
    public static class Helm
    {
        public const string Version = "v4.1.4";
        public const string GitCommit = "05fa37973dc9e42b76e1d2883494c87174b6074f";
        public const string GitTreeState = "clean";
        public const string GoVersion = "go1.25.9";
        public const string KubeClientVersion = "v1.35";
    }

    /// <summary>Capabilities for <c>--kube-version</c> and <c>--api-versions</c>, with Helm's default API versions.</summary>
    public Capabilities(string kubeVersion = DefaultKubeVersion, IEnumerable<string>? apiVersions = null)
    {
        (KubeVersion, KubeMajor, KubeMinor) = ParseKubeVersion(kubeVersion);
        ApiVersions = [.. DefaultApiVersions, .. apiVersions ?? []];
    }

    /// <summary>Capabilities of a live cluster, as helm install sees them: its own version and API versions (plus <paramref
    /// name="apiVersions"/>).</summary>
    public Capabilities(ClusterCapabilities cluster, IEnumerable<string>? apiVersions = null)
    {
        (KubeVersion, KubeMajor, KubeMinor) = (cluster.GitVersion, cluster.Major, cluster.Minor);
        ApiVersions = [.. cluster.ApiVersions, .. apiVersions ?? []];
    }

    /// <summary>
    /// Helm's ParseKubeVersion (Kubernetes' generic version parser): an optional v, then at least major.minor of
    /// numbers; anything after them (a prerelease, +k3s1) is dropped, so 1.31 stays v1.31 and v1.31.4+k3s1 is v1.31.4.
    /// </summary>
    public static (string Version, string Major, string Minor) ParseKubeVersion(string version)
    {
        var m = System.Text.RegularExpressions.Regex.Match(version, @"^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)$");
        var components = m.Success ? m.Groups[1].Value.Split('.') : [];
        if (!m.Success)
        {
            throw new ChartException($"invalid kube version '{version}': could not parse \"{version}\" as version");
        }
        if (components.Length < 2)
        {
            throw new ChartException($"invalid kube version '{version}': illegal version string \"{version}\"");
        }
        if (components[0].StartsWith('0') && components[0] != "0")
        {
            throw new ChartException($"invalid kube version '{version}': illegal zero-prefixed version " +
                $"component \"{components[0]}\" in \"{version}\"");
        }
        var numbers = new List<ulong>();
        foreach (var c in components)
        {
            if (!ulong.TryParse(c, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                throw new ChartException($"invalid kube version '{version}': illegal non-numeric version component \"{c}\" in \"{version}\"");
            }
            numbers.Add(n);
        }
        return ("v" + string.Join('.', numbers), numbers[0].ToString(System.Globalization.CultureInfo.InvariantCulture), numbers[1]
            .ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public string KubeVersion { get; }

    public string KubeMajor { get; }

    public string KubeMinor { get; }

    public List<string> ApiVersions { get; }

    public string HelmVersion { get; init; } = Helm.Version;

    internal ITemplateObject ToTemplateObject()
    {
        var kube = new StructObject("common.KubeVersion", new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Version"] = KubeVersion,
            ["GitVersion"] = KubeVersion,
            ["Major"] = KubeMajor,
            ["Minor"] = KubeMinor,
        }, new Dictionary<string, TemplateFunction>(StringComparer.Ordinal)
        {
            ["String"] = TemplateFunction.Fixed("String", 0, _ => KubeVersion),
        }, () => KubeVersion, [("Version", "Version"), ("Major", "Major"), ("Minor", "Minor")]);
        var apiVersions = new VersionSet(ApiVersions);
        var helm = new StructObject("version.BuildInfo", new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Version"] = HelmVersion,
            ["GitCommit"] = Helm.GitCommit,
            ["GitTreeState"] = Helm.GitTreeState,
            ["GoVersion"] = Helm.GoVersion,
            ["KubeClientVersion"] = Helm.KubeClientVersion,
        }, json: [("Version", "version"), ("GitCommit", "git_commit"), ("GitTreeState", "git_tree_state"), ("GoVersion", "go_version"),
            ("KubeClientVersion", "kube_client_version")]);
        return new StructObject("*common.Capabilities", new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["KubeVersion"] = kube,
            ["APIVersions"] = apiVersions,
            ["HelmVersion"] = helm,
        });
    }

    /// <summary>Helm's VersionSet: a list of "group/version" (or "group/version/Kind") with <c>Has</c>.</summary>
    private sealed class VersionSet(List<string> versions) : System.Collections.ObjectModel.Collection<object?>(versions.Cast<object?>().ToList()),
        ITemplateObject
    {
        public string GoTypeName => "common.VersionSet";

        public bool TryGetField(string name, out object? value)
        {
            value = null;
            return false;
        }

        public bool TryGetMethod(string name, out TemplateFunction? method)
        {
            method = name == "Has" ? TemplateFunction.Fixed("Has", 1, a => a[0] is string s && versions.Contains(s)) : null;
            return method is not null;
        }
    }
}
