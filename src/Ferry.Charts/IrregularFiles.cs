using System.Runtime.InteropServices;

namespace Ferry.Charts;

/// <summary>
/// Whether a path is a FIFO, socket or device: Helm refuses to load such a file into a chart ("cannot load irregular
/// file"), and reading a FIFO would block forever. .NET reports their type nowhere, so this asks the kernel
/// (statx, whose layout is the same on every Linux architecture).
/// </summary>
internal static class IrregularFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 0x1C;
    private const int TypeMask = 0xF000;
    private const int Regular = 0x8000;
    private const int Directory = 0x4000;
    private const int Symlink = 0xA000;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    public static bool IsIrregular(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        var buffer = new byte[256];
        try
        {
            if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
            {
                return false; // the loader reports a missing file itself
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
        var type = BitConverter.ToUInt16(buffer, ModeOffset) & TypeMask;
        return type is not (Regular or Directory or Symlink);
    }
}
