namespace Ferry.Cli;

/// <summary>How the CLI gives each <see cref="Remedy"/> a library names: the flags that set it.</summary>
internal static class RemedyFlags
{
    public static string For(Remedy remedy) => remedy switch
    {
        Remedy.ForceUnlock => "--force-unlock",
        Remedy.Kubeconfig => "--kubeconfig FILE",
        Remedy.ForceConflicts => "--force-conflicts",
        Remedy.Registry => "--registry",
        Remedy.Insecure => "--insecure",
        Remedy.CaFile => "--ca-file",
        Remedy.Credentials => "--username/--password-stdin",
        Remedy.Platform => "--platform",
        Remedy.Locked => "--locked",
        Remedy.IncludeFerry => "--include-ferry",
        Remedy.EnvOverride => "--env",
        Remedy.Role => "--role",
        Remedy.JoinServer => "--server, --token",
        Remedy.RegistryStorage => "--registry-storage DIR",
        Remedy.TlsCertificate => "--tls-cert FILE, --tls-key FILE",
        Remedy.SkipPreflight => "--skip-preflight",
        Remedy.Destination => "--to",
        _ => throw new ArgumentOutOfRangeException(nameof(remedy), remedy, null),
    };

    /// <summary>" (--flag, --other)" for the remedies anywhere in the exception chain, or "".</summary>
    public static string Of(Exception e)
    {
        var remedies = new List<Remedy>();
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is FerryException { Remedies: var r })
            {
                remedies.AddRange(r.Where(m => !remedies.Contains(m)));
            }
        }
        return List(remedies);
    }

    /// <summary>" (--flag, --other)", or "" for none.</summary>
    public static string List(IEnumerable<Remedy> remedies) =>
        remedies.Any() ? $" ({string.Join(", ", remedies.Select(For))})" : "";
}
