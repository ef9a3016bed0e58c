namespace Ferry.Cli.Tests;

/// <summary>The page pre-faulting before a render: it populates memory only inside the GC's own reservation, and the heap keeps working.</summary>
public sealed class HeapWarmupTests
{
    [Fact]
    public void Prepare_PopulatesTheAllocationRegion_AndTheHeapKeepsWorking()
    {
        var populated = HeapWarmup.Prepare(2 << 20);
        if (OperatingSystem.IsLinux())
        {
            Assert.InRange(populated, 4096, 2 << 20);
        }
        // allocate well past the populated part, collect, and read everything back
        var lists = Enumerable.Range(0, 200).Select(i => Enumerable.Range(0, 2000).Select(j => $"{i}:{j}").ToList()).ToList();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        Assert.Equal("199:1999", lists[199][1999]);
        Assert.Equal(400_000, lists.Sum(l => l.Count));
    }
}
