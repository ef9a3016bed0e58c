using System.Text.RegularExpressions;

namespace Ferry.Oci;

/// <summary>
/// An image reference normalised as Docker does: <c>nginx</c> → <c>docker.io/library/nginx:latest</c>,
/// <c>host:port/a/b:tag@sha256:…</c>, digest-only references.
/// </summary>
public sealed partial record ImageReference(string Registry, string Repository, string? Tag, Digest? Digest)
{
    public const string DockerHub = "docker.io";

    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex DomainPattern();

    /// <summary>The tag or digest used to fetch the manifest (digest wins).</summary>
    public string Reference => Digest?.Value ?? Tag ?? "latest";

    /// <summary>The host the registry API is served from (Docker Hub's API lives at registry-1.docker.io).</summary>
    public string ApiHost => Registry == DockerHub ? "registry-1.docker.io" : Registry;

    public static ImageReference Parse(string s)
    {
        if (!TryParse(s, out var r, out var error))
        {
            throw new OciException($"invalid image reference \"{s}\": {error}");
        }
        return r!;
    }

    public static bool TryParse(string s, out ImageReference? reference, out string error)
    {
        reference = null;
        error = "";
        if (string.IsNullOrWhiteSpace(s) || s != s.Trim())
        {
            error = "empty or surrounded by whitespace";
            return false;
        }
        var rest = s;
        Digest? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            if (!Oci.Digest.TryParse(rest[(at + 1)..], out var d))
            {
                error = "the part after '@' must be a digest such as sha256:<64 hex digits>";
                return false;
            }
            digest = d;
            rest = rest[..at];
        }
        string? tag = null;
        var lastSlash = rest.LastIndexOf('/');
        var colon = rest.LastIndexOf(':');
        if (colon > lastSlash)
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                error = $"tag \"{tag}\" is invalid (letters, digits, '_', '.', '-', at most 128 characters)";
                return false;
            }
        }
        string registry;
        string repository;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? rest : rest[..slash];
        if (slash >= 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"
            || first.Any(char.IsUpper)))
        {
            registry = first;
            repository = rest[(slash + 1)..];
            if (!DomainPattern().IsMatch(registry))
            {
                error = $"registry \"{registry}\" is not a valid host[:port]";
                return false;
            }
        }
        else
        {
            registry = DockerHub;
            repository = rest;
        }
        if (registry is "index.docker.io" or "registry-1.docker.io")
        {
            registry = DockerHub;
        }
        if (registry == DockerHub && !repository.Contains('/', StringComparison.Ordinal))
        {
            repository = "library/" + repository;
        }
        if (!RepositoryPattern().IsMatch(repository))
        {
            error = repository.Any(char.IsUpper)
                ? $"repository \"{repository}\" must be lowercase"
                : $"repository \"{repository}\" is invalid (lowercase letters, digits and separators '.', '_', '-', '/')";
            return false;
        }
        if (tag is null && digest is null)
        {
            tag = "latest";
        }
        reference = new ImageReference(registry, repository, tag, digest);
        return true;
    }

    /// <summary>The same image in another registry (and optional repository prefix), keeping tag and digest.</summary>
    public ImageReference WithRegistry(string registryAndPrefix)
    {
        var slash = registryAndPrefix.IndexOf('/', StringComparison.Ordinal);
        var registry = slash < 0 ? registryAndPrefix : registryAndPrefix[..slash];
        var prefix = slash < 0 ? "" : registryAndPrefix[(slash + 1)..].Trim('/') + "/";
        return this with { Registry = registry, Repository = prefix + Repository };
    }

    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest.Value.Value)}";
}
