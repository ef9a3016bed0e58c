namespace Ferry.Kustomize;

/// <summary>
/// Kubernetes' patch strategy for the lists of its built-in kinds (the <c>patchMergeKey</c> of their fields): what
/// strategic merge patch (kustomize's, and an API server's) merges by key instead of replacing. Shared by the kustomize
/// renderer and the test API simulator.
/// </summary>
public static class PatchStrategy
{
    /// <summary>The merge key of the items of list field <paramref name="field"/>, or null when the list is replaced whole.</summary>
    public static string? MergeKey(string field, Func<string, bool> itemHas) => field switch
    {
        "containers" or "initContainers" or "ephemeralContainers" or "env" or "volumes" or "imagePullSecrets" or "resourceClaims" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        "ports" => itemHas("containerPort") ? "containerPort" : "port",
        _ => null,
    };
}
