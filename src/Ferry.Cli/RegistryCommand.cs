using Ferry.Registry;

namespace Ferry.Cli;

/// <summary>
/// <c>ferry registry serve --storage DIR [--addr HOST:PORT] [--tls-cert FILE --tls-key FILE] [--htpasswd FILE] [--verbose]</c>
/// and <c>ferry registry htpasswd USER --password-stdin</c>.
/// </summary>
internal static class RegistryCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin) =>
        args.Length > 0 && args[0] == "htpasswd"
            ? await HtpasswdAsync(args[1..], stdout, stdin).ConfigureAwait(false)
            : await ServeAsync(args[1..], stdout, stderr).ConfigureAwait(false);

    /// <summary><c>ferry registry htpasswd USER --password-stdin</c>: one bcrypt line for an htpasswd file.</summary>
    private static async Task<int> HtpasswdAsync(string[] args, TextWriter stdout, TextReader stdin)
    {
        var h = CommandArgs.Parse("registry htpasswd", args);
        var user = h.Arguments(1, 1)[0];
        if (!h.Has("--password-stdin"))
        {
            throw new UsageException("registry htpasswd: give the password on stdin: printf %s \"$PASSWORD\" | ferry registry htpasswd USER " +
                "--password-stdin");
        }
        var password = (await stdin.ReadToEndAsync().ConfigureAwait(false)).TrimEnd('\r', '\n');
        if (password.Length == 0)
        {
            throw new UsageException("registry htpasswd: no password on stdin (printf %s \"$PASSWORD\" | ferry registry htpasswd USER " +
                "--password-stdin)");
        }
        try
        {
            stdout.WriteLine(Htpasswd.Line(user, password));
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"registry htpasswd: {e.Message}");
        }
        return 0;
    }

    /// <summary><c>ferry registry serve</c>: the site registry, until SIGTERM or Ctrl-C.</summary>
    private static async Task<int> ServeAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = CommandArgs.Parse("registry serve", args);
        a.Arguments(0, 0);
        var storage = a.Required("--storage");
        var (htpasswd, tlsCert, tlsKey) = (a.Value("--htpasswd"), a.Value("--tls-cert"), a.Value("--tls-key"));
        var addr = a.Value("--addr") ?? "0.0.0.0:5000";
        var verbose = a.Has("--verbose");
        var endpoint = Serving.Endpoint(addr, "0.0.0.0:5000");
        using var serving = new Serving();
        using var access = Prepare(storage, htpasswd, tlsCert, tlsKey, stderr);
        if (access is null)
        {
            return 1;
        }
        try
        {
            await using var server =
                await RegistryServer.StartAsync(storage, endpoint, verbose ? new LineProgress(stderr) : null, access, serving.Stopping)
                    .ConfigureAwait(false);
            var users = access.Users is null ? "no authentication" : $"basic authentication, {access.Users.Count} user(s)";
            stdout.WriteLine($"ferry registry: serving {Path.GetFullPath(storage)} on {server.Url} (OCI " +
                $"distribution API, {users}; stop with Ctrl-C)");
            stdout.Flush();
            await serving.UntilStoppedAsync().ConfigureAwait(false);
            stdout.WriteLine("ferry registry: stopped");
            return 0;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"ferry: registry serve: cannot listen on {addr}: {e.Message}; pick a free --addr");
            return 1;
        }
    }

    /// <summary>The users and certificate to serve with, after checking the storage folder; null (reported) when either is unusable.</summary>
    private static RegistryAccess? Prepare(string storage, string? htpasswd, string? tlsCert, string? tlsKey, TextWriter stderr)
    {
        RegistryAccess access;
        try
        {
            access = RegistryAccess.Load(htpasswd, tlsCert, tlsKey);
        }
        catch (DistributionException e)
        {
            stderr.WriteLine($"ferry: registry serve: {e.Message}{RemedyFlags.Of(e)}");
            return null;
        }
        try
        {
            _ = new RegistryStorage(storage); // the storage folder first, so its problems are not reported as the address's
            return access;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            access.Dispose();
            stderr.WriteLine($"ferry: registry serve: cannot use --storage {storage}: {e.Message}");
            return null;
        }
    }
}
