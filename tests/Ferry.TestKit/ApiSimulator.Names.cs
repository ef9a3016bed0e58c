using System.Text.RegularExpressions;

namespace Ferry.Kube.Tests;

/// <summary>How kube-apiserver validates metadata.name for a kind (apimachinery's validation helpers).</summary>
public enum NameRule
{
    /// <summary>Most kinds: a DNS-1123 subdomain (≤ 253, dot-separated labels).</summary>
    Subdomain,
    /// <summary>Namespace: a DNS-1123 label (≤ 63, no dots).</summary>
    Label,
    /// <summary>Service: a DNS-1035 label (starts with a letter).</summary>
    Dns1035Label,
    /// <summary>RBAC kinds: any path segment (system:metrics-server-aggregated-reader is fine).</summary>
    PathSegment,
}

/// <summary>The name checks with kube-apiserver's wording ("metadata.name: Invalid value: …: MESSAGE").</summary>
public static partial class ApiNames
{
    /// <summary>What is wrong with <paramref name="name"/> under <paramref name="rule"/>, or null when nothing is.</summary>
    public static string? Problem(NameRule rule, string name) => rule switch
    {
        NameRule.PathSegment => name.Length == 0 ? "name or generateName is required"
            : name is "." or ".." ? $"may not be '{name}'"
            : name.Contains('/', StringComparison.Ordinal) ? "may not contain '/'"
            : name.Contains('%', StringComparison.Ordinal) ? "may not contain '%'"
            : null,
        NameRule.Label => name.Length > 63 ? "must be no more than 63 characters"
            : Label().IsMatch(name) ? null
            : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        NameRule.Dns1035Label => name.Length > 63 ? "must be no more than 63 characters"
            : Dns1035().IsMatch(name) ? null
            : "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        _ => name.Length > 253 ? "must be no more than 253 characters"
            : Subdomain().IsMatch(name) ? null
            : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    };

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();
}
