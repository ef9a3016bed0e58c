using System.Globalization;
using System.Runtime.InteropServices;

namespace Ferry.Cli;

/// <summary>
/// Prepares the garbage collector's heap for a render, which allocates tens of megabytes at once. The GC commits its
/// regions 64 KiB at a time and every first touch of a 4 KiB page is a page fault — several microseconds apiece on
/// virtual machines: a fifth of rendering a typical chart and ~20k faults for the largest (bench/README.md). So,
/// only inside the GC's own reservation (the run of anonymous mappings holding a fresh object: its committed
/// read-write parts and the inaccessible reserve between them), before the render: (1) the next
/// <see cref="Span"/> bytes are made writable and marked for transparent huge pages (<c>MADV_HUGEPAGE</c>), so
/// each first touch maps 2 MiB at once where the kernel allows it, and nothing is used until touched; (2) the
/// current allocation region is populated in one call (<c>MADV_POPULATE_WRITE</c>). Anything unexpected, or a
/// kernel that refuses (strict overcommit, no THP): that step is skipped. <c>FERRY_NO_WARMUP=1</c> turns it off.
/// </summary>
internal static unsafe class HeapWarmup
{
    private const int ProtReadWrite = 3;
    private const int MadvHugePage = 14;
    private const int MadvDoDump = 17;
    private const int MadvPopulateWrite = 23;
    private const int PageSize = 4096;
    private const int HugePageSize = 2 << 20;

    /// <summary>How much of the reservation after the allocation point is prepared for huge pages.</summary>
    public const long Span = 256L << 20;

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(nint address, nuint length, int advice);

    [DllImport("libc", EntryPoint = "mprotect")]
    private static extern int Mprotect(nint address, nuint length, int protection);

    /// <summary>What <see cref="Prepare"/> did: bytes populated, and the span made writable for huge pages (empty when none).</summary>
    public readonly record struct Outcome(long Populated, long SpanStart, long SpanEnd);

    /// <summary>
    /// Populates up to <paramref name="bytes"/> from the allocation pointer on, and prepares up to <see cref="Span"/>
    /// bytes after it for huge pages.
    /// </summary>
    public static Outcome Prepare(int bytes = 4 << 20)
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess || Environment.GetEnvironmentVariable("FERRY_NO_WARMUP") is "1")
        {
            return default;
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
            if (MappingsAround(start) is not var (runStart, writableEnd, runEnd))
            {
                return default;
            }
            // the GC reserves its whole region range as one mapping: [runStart, runStart + range) lies inside it
            // whatever mappings happen to precede it in the run
            var span = (Start: 0L, End: 0L);
            if (ReservedRange() is { } range)
            {
                var spanEnd = (nint)Math.Min(Math.Min((long)runEnd, start + Span), (long)runStart + range);
                if (spanEnd > writableEnd && Mprotect(writableEnd, (nuint)(spanEnd - writableEnd), ProtReadWrite) == 0)
                {
                    // the GC marks what it commits as dumpable, 64 KiB at a time; marking the whole span first keeps
                    // it one mapping with one set of flags, which a 2 MiB page needs
                    _ = Madvise(writableEnd, (nuint)(spanEnd - writableEnd), MadvDoDump);
                    writableEnd = spanEnd;
                }
                if (spanEnd > start && writableEnd >= spanEnd)
                {
                    // writable now, or already (an earlier call prepared it): advise 2 MiB pages for all of it
                    var hugeStart = start & ~(nint)(HugePageSize - 1);
                    _ = Madvise(hugeStart, (nuint)(spanEnd - hugeStart), MadvHugePage); // only advice: refused without THP, harmless
                    span = (start, spanEnd);
                }
            }
            var end = Math.Min(start + bytes, writableEnd);
            var populated = end > start && Madvise(start, (nuint)(end - start), MadvPopulateWrite) == 0 ? end - start : 0;
            return new Outcome(populated, span.Start, span.End);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return default;
        }
    }

    /// <summary>The size of the GC's region reservation (GCRegionRange), or null when it has none (a segments GC).</summary>
    private static long? ReservedRange() =>
        GC.GetConfigurationVariables().TryGetValue("GCRegionRange", out var value) && value is not null
            && Convert.ToInt64(value, CultureInfo.InvariantCulture) is > 0 and var range ? range : null;

    /// <summary>
    /// For the anonymous read-write mapping holding <paramref name="address"/>: where the run of directly adjoining
    /// anonymous mappings (read-write or inaccessible) holding it starts, where the read-write mapping ends, and where
    /// the run ends (looking no further than <see cref="Span"/> past the read-write mapping); null when
    /// <paramref name="address"/> is not in an anonymous read-write mapping.
    /// </summary>
    private static (nint RunStart, nint WritableEnd, nint RunEnd)? MappingsAround(nint address)
    {
        nint runStart = 0;
        nint writableEnd = 0;
        nint runEnd = 0;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            // "7f80..000-7f80..000 rw-p 00000000 00:00 0" — an anonymous mapping has inode 0 and no path
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var anonymous = fields.Length == 5 && fields[4] == "0" && fields[1] is "rw-p" or "---p";
            var range = fields[0].Split('-');
            var from = (nint)long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var to = (nint)long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (writableEnd == 0)
            {
                if (!anonymous)
                {
                    runStart = 0;
                    continue;
                }
                if (from != runEnd || runStart == 0)
                {
                    runStart = from;
                }
                runEnd = to;
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
            if (!anonymous || from != runEnd || runEnd - writableEnd >= Span)
            {
                break;
            }
            runEnd = to;
        }
        return writableEnd == 0 ? null : (runStart, writableEnd, runEnd);
    }
}
