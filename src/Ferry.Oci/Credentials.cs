using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Ferry.Oci;

/// <summary>Registry credentials from options or Docker's config.json (auths, credHelpers, credsStore).</summary>
internal sealed class Credentials(RegistryOptions options)
{
    private readonly Dictionary<string, (string User, string Secret)?> _cache = new(StringComparer.Ordinal);

    public (string User, string Secret)? For(string registry)
    {
        if (options.Username is not null)
        {
            return (options.Username, options.Password ?? "");
        }
        lock (_cache)
        {
            if (!_cache.TryGetValue(registry, out var c))
            {
                c = FromDockerConfig(registry);
                _cache[registry] = c;
            }
            return c;
        }
    }

    private (string, string)? FromDockerConfig(string registry)
    {
        var path = options.DockerConfigPath
            ?? Path.Combine(Environment.GetEnvironmentVariable("DOCKER_CONFIG")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"), "config.json");
        if (!File.Exists(path))
        {
            return null;
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        string[] keys = registry == ImageReference.DockerHub
            ? ["https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io"]
            : [registry, "https://" + registry, "http://" + registry];
        if (root.TryGetProperty("credHelpers", out var helpers))
        {
            foreach (var k in keys)
            {
                if (helpers.TryGetProperty(k, out var h) && h.GetString() is { Length: > 0 } helper)
                {
                    return RunHelper(helper, k);
                }
            }
        }
        if (root.TryGetProperty("auths", out var auths))
        {
            foreach (var k in keys)
            {
                if (auths.TryGetProperty(k, out var a) && a.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } b64)
                {
                    var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
                    var colon = text.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0)
                    {
                        return (text[..colon], text[(colon + 1)..]);
                    }
                }
            }
        }
        if (root.TryGetProperty("credsStore", out var store) && store.GetString() is { Length: > 0 } storeName)
        {
            return RunHelper(storeName, keys[0]);
        }
        return null;
    }

    private static (string, string)? RunHelper(string helper, string serverUrl)
    {
        var psi = new ProcessStartInfo("docker-credential-" + helper, "get")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var p = Process.Start(psi)!;
            p.StandardInput.Write(serverUrl);
            p.StandardInput.Close();
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit(10_000);
            if (p.ExitCode != 0)
            {
                return null;
            }
            using var doc = JsonDocument.Parse(output);
            return (doc.RootElement.GetProperty("Username").GetString() ?? "", doc.RootElement.GetProperty("Secret").GetString() ?? "");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new OciException($"credential helper docker-credential-{helper} is configured in Docker's config.json but could " +
                $"not be run: {e.Message}");
        }
    }
}
