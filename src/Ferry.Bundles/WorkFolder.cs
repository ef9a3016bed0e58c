namespace Ferry.Bundles;

/// <summary>
/// A temporary folder this process holds (a lock file beside it, open exclusively, which the kernel releases even
/// when the process is killed) and removes when disposed. Creating one first removes the folders of the same prefix
/// a killed ferry left behind: their lock files are free.
/// </summary>
internal sealed class WorkFolder : IDisposable
{
    private readonly FileStream _lock;

    private WorkFolder(string path, FileStream held)
    {
        Path = path;
        _lock = held;
    }

    public string Path { get; }

    public static WorkFolder Create(string prefix)
    {
        RemoveAbandoned(prefix);
        var dir = Directory.CreateTempSubdirectory(prefix).FullName;
        return new WorkFolder(dir, new FileStream(dir + ".lock", FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None));
    }

    private static void RemoveAbandoned(string prefix)
    {
        foreach (var dir in Directory.EnumerateDirectories(System.IO.Path.GetTempPath(), prefix + "*"))
        {
            var lockFile = dir + ".lock";
            if (!File.Exists(lockFile))
            {
                continue; // not one of ours, or being created right now
            }
            try
            {
                using (new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                }
                Directory.Delete(dir, recursive: true);
                File.Delete(lockFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // held by a running ferry, or not ours to remove
            }
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        finally
        {
            _lock.Dispose();
            File.Delete(Path + ".lock");
        }
    }
}
