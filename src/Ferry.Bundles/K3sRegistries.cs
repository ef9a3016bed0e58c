using System.Text;
using Ferry.Oci;

namespace Ferry.Bundles;

/// <summary>How k3s nodes reach the site registry: credentials and TLS settings for <c>registries.yaml</c>.</summary>
public sealed record SiteRegistryAccess(string Registry, bool PlainHttp = false, string? CaFile = null, bool SkipVerify = false,
    string? Username = null, string? Password = null);

/// <summary>
/// k3s's <c>/etc/rancher/k3s/registries.yaml</c>: every public registry the product pulls from mirrored to the site
/// registry, with the same repository layout <c>ferry deploy</c> pushes to (a site prefix becomes a rewrite rule),
/// so images resolve on site without rewriting references — the alternative to <c>registry.rewrite</c>.
/// </summary>
public static class K3sRegistries
{
    public const string DefaultPath = "/etc/rancher/k3s/registries.yaml";

    /// <summary>Registries mirrored when no bundle says which ones the product uses.</summary>
    public static readonly IReadOnlyList<string> CommonRegistries = ["docker.io", "registry.k8s.io", "ghcr.io", "quay.io"];

    /// <summary>The source registries of a bundle's images, in order of first use.</summary>
    public static IReadOnlyList<string> RegistriesOf(OpenedBundle bundle) =>
        [.. bundle.Images.Select(i => ImageReference.Parse(i.Ref).Registry).Distinct(StringComparer.Ordinal)];

    /// <summary>registries.yaml mirroring <paramref name="mirrored"/> (none named: the <see cref="CommonRegistries"/>) to the site
    /// registry.</summary>
    public static string Render(IEnumerable<string> mirrored, SiteRegistryAccess site)
    {
        mirrored = mirrored.ToList() is { Count: > 0 } named ? named : CommonRegistries;
        var slash = site.Registry.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? site.Registry : site.Registry[..slash];
        var prefix = slash < 0 ? "" : site.Registry[(slash + 1)..].Trim('/');
        var sb = new StringBuilder();
        sb.Append("# Written by ferry registry-config: pulls from these registries are served by " +
            "the site registry ").Append(site.Registry).Append(".\n");
        sb.Append("# k3s reads this file at start: restart k3s (or k3s-agent) after changing it.\n");
        sb.Append("mirrors:\n");
        foreach (var registry in mirrored.Where(r => r != host).Distinct(StringComparer.Ordinal))
        {
            sb.Append("  ").Append(Quote(registry)).Append(":\n");
            sb.Append("    endpoint:\n");
            sb.Append("      - ").Append(Quote($"{(site.PlainHttp ? "http" : "https")}://{host}")).Append('\n');
            if (prefix.Length > 0)
            {
                sb.Append("    rewrite:\n");
                sb.Append("      ").Append(Quote("^(.*)$")).Append(": ").Append(Quote(prefix + "/$1")).Append('\n');
            }
        }
        if (site.Username is not null || site.CaFile is not null || site.SkipVerify)
        {
            sb.Append("configs:\n");
            sb.Append("  ").Append(Quote(host)).Append(":\n");
            if (site.Username is not null)
            {
                sb.Append("    auth:\n");
                sb.Append("      username: ").Append(Quote(site.Username)).Append('\n');
                sb.Append("      password: ").Append(Quote(site.Password ?? "")).Append('\n');
            }
            if (site.CaFile is not null || site.SkipVerify)
            {
                sb.Append("    tls:\n");
                if (site.CaFile is not null)
                {
                    sb.Append("      ca_file: ").Append(Quote(site.CaFile)).Append('\n');
                }
                if (site.SkipVerify)
                {
                    sb.Append("      insecure_skip_verify: true\n");
                }
            }
        }
        return sb.ToString();
    }

    /// <summary>A YAML double-quoted scalar.</summary>
    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                < ' ' => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }
}
