using System.Globalization;

namespace Ferry.Cli.Tests;

/// <summary>
/// The heap preparation before a render: it touches memory only inside the GC's own reservation, leaves the span after
/// the allocation point writable as one mapping (so 2 MiB pages can back it where the kernel offers them), and the
/// heap keeps working.
/// </summary>
public sealed class HeapWarmupTests
{
    [Fact]
    public void Prepare_PopulatesTheAllocationRegion_PreparesASpanForHugePages_AndTheHeapKeepsWorking()
    {
        // The preparation is opportunistic: a busy machine (other tests allocating on other threads, the kernel out of
        // free pages for a moment) can leave one call with nothing to do. It must succeed within a few tries.
        // A span, once prepared, stays so (a later call finds it writable already), so each part counts from any try.
        var outcomes = new List<HeapWarmup.Outcome>();
        for (var attempt = 0; attempt < 5 && OperatingSystem.IsLinux(); attempt++)
        {
            outcomes.Add(HeapWarmup.Prepare(2 << 20));
            if (outcomes.Any(o => o.Populated >= 4096) && outcomes.Any(o => o.SpanEnd - o.SpanStart >= 64L << 20))
            {
                break;
            }
            Thread.Sleep(50);
        }
        var outcome = outcomes.LastOrDefault(o => o.SpanEnd > o.SpanStart);
        if (OperatingSystem.IsLinux())
        {
            var tried = string.Join(", ", outcomes.Select(o => $"populated {o.Populated} B, span {(o.SpanEnd - o.SpanStart) >> 20} MiB"));
            Assert.True(outcomes.Any(o => o.Populated is >= 4096 and <= 2 << 20), tried);
            Assert.True(outcome.SpanEnd - outcome.SpanStart >= 64L << 20, tried);
        }
        // allocate well past the populated part, collect, and read everything back
        var lists = Enumerable.Range(0, 200).Select(i => Enumerable.Range(0, 2000).Select(j => $"{i}:{j}").ToList()).ToList();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        Assert.Equal("199:1999", lists[199][1999]);
        Assert.Equal(400_000, lists.Sum(l => l.Count));
        if (OperatingSystem.IsLinux())
        {
            var inSpan = Mappings().Where(m => m.To > outcome.SpanStart && m.From < outcome.SpanEnd).ToList();
            Assert.All(inSpan, m => Assert.True(m.Anonymous, $"{m.From:x}-{m.To:x} is not anonymous memory: the span left the GC's reservation"));
            if (File.Exists("/sys/kernel/mm/transparent_hugepage/enabled")
                && !File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled").Contains("[never]", StringComparison.Ordinal))
            {
                // what the preparation is for: with transparent huge pages on, the kernel may back the heap with 2 MiB
                // pages. Whether it finds free 2 MiB pages at this moment depends on the machine's load, so the test asks
                // the kernel whether the span qualifies (THPeligible), which the preparation alone decides.
                Assert.True(inSpan.Any(m => m.HugeEligible), "the prepared span is not eligible for 2 MiB pages: " +
                    string.Join(", ", inSpan.Select(m => $"{m.From:x}-{m.To:x} eligible={m.HugeEligible} huge={m.HugeKb} KiB")));
            }
        }
    }

    /// <summary>The mappings of /proc/self/smaps: range, whether anonymous, AnonHugePages and THPeligible.</summary>
    private static List<(long From, long To, bool Anonymous, long HugeKb, bool HugeEligible)> Mappings()
    {
        var all = new List<(long From, long To, bool Anonymous, long HugeKb, bool HugeEligible)>();
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 5 && !fields[0].EndsWith(':') && fields[0].Contains('-', StringComparison.Ordinal))
            {
                var range = fields[0].Split('-');
                all.Add((long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture), fields.Length == 5 && fields[4] == "0", 0, false));
            }
            else if (fields.Length >= 2 && fields[0] == "AnonHugePages:" && all.Count > 0)
            {
                all[^1] = all[^1] with { HugeKb = long.Parse(fields[1], CultureInfo.InvariantCulture) };
            }
            else if (fields.Length >= 2 && fields[0] == "THPeligible:" && all.Count > 0)
            {
                all[^1] = all[^1] with { HugeEligible = fields[1] == "1" };
            }
        }
        return all;
    }
}
