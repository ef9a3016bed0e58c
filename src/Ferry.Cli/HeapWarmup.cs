using System.Globalization;
using System.Runtime.InteropServices;

namespace Ferry.Cli;

/// <summary>
/// Faults in the garbage collector's current allocation region in one system call before a render. The GC commits
/// its regions 64 KiB at a time and each first touch of a page is a page fault — several microseconds apiece on
/// virtual machines, about a fifth of rendering a typical chart (bench/README.md). Here the rest of the region is
/// made writable and populated at once (<c>MADV_POPULATE_WRITE</c>), as the GC would commit it anyway; only
/// inside the GC's own reservation (the anonymous read-write mapping holding a fresh object and the inaccessible
/// reserve directly after it). Anything unexpected: nothing is done.
/// </summary>
internal static unsafe class HeapWarmup
{
    private const int ProtReadWrite = 3;
    private const int MadvPopulateWrite = 23;
    private const int PageSize = 4096;

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(nint address, nuint length, int advice);

    [DllImport("libc", EntryPoint = "mprotect")]
    private static extern int Mprotect(nint address, nuint length, int protection);

    /// <summary>Populates up to <paramref name="bytes"/> from the allocation pointer on; returns how many bytes were.</summary>
    public static long Prepare(int bytes = 4 << 20)
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess || Environment.GetEnvironmentVariable("FERRY_NO_WARMUP") is "1")
        {
            return 0;
        }
        try
        {
            var probe = new byte[16]; // allocated where the next objects will be
            nint at;
            fixed (byte* p = probe)
            {
                at = (nint)p;
            }
            var start = at & ~(nint)(PageSize - 1);
            if (ReserveAround(start) is not var (writableEnd, reserveEnd))
            {
                return 0;
            }
            var end = Math.Min(start + bytes, reserveEnd);
            if (end > writableEnd && Mprotect(writableEnd, (nuint)(end - writableEnd), ProtReadWrite) != 0)
            {
                end = writableEnd;
            }
            return end > start && Madvise(start, (nuint)(end - start), MadvPopulateWrite) == 0 ? end - start : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return 0;
        }
    }

    /// <summary>
    /// The end of the anonymous read-write mapping holding <paramref name="address"/>, and the end of the anonymous
    /// inaccessible mapping directly after it (the end of the read-write one when there is none); null otherwise.
    /// </summary>
    private static (nint WritableEnd, nint ReserveEnd)? ReserveAround(nint address)
    {
        nint writableEnd = 0;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            // "7f80..000-7f80..000 rw-p 00000000 00:00 0" — an anonymous mapping has inode 0 and no path
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 5 || fields[4] != "0")
            {
                if (writableEnd != 0)
                {
                    break;
                }
                continue;
            }
            var range = fields[0].Split('-');
            var from = (nint)long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var to = (nint)long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (writableEnd == 0)
            {
                if (from <= address && address < to)
                {
                    if (fields[1] != "rw-p")
                    {
                        return null;
                    }
                    writableEnd = to;
                }
                continue;
            }
            return from == writableEnd && fields[1] == "---p" ? (writableEnd, to) : (writableEnd, writableEnd);
        }
        return writableEnd == 0 ? null : (writableEnd, writableEnd);
    }
}
