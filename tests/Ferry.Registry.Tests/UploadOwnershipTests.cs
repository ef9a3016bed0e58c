using System.Security.Cryptography;
using Ferry.Oci;

namespace Ferry.Registry.Tests;

/// <summary>
/// An upload has one writer at a time: a request completing (or appending to) an upload while another still writes
/// it is refused, so the bytes hashed are exactly the bytes stored; a stored blob is never replaced.
/// </summary>
public sealed class UploadOwnershipTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-upload-owner-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A request body that sends its first bytes, then waits to be released before sending the rest.</summary>
    private sealed class StalledBody(byte[] first, byte[] rest, Task release) : Stream
    {
        private int _stage;

        public TaskCompletionSource FirstSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            switch (_stage++)
            {
                case 0:
                    first.CopyTo(buffer);
                    return first.Length;
                case 1:
                    FirstSent.SetResult();
                    await release.ConfigureAwait(false);
                    rest.CopyTo(buffer);
                    return rest.Length;
                default:
                    return 0;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task CompletingWhileAnotherRequestWrites_IsRefused_AndNothingCorruptIsStored()
    {
        var storage = new RegistryStorage(_dir);
        var first = RandomNumberGenerator.GetBytes(4096);
        var rest = RandomNumberGenerator.GetBytes(4096);
        var release = new TaskCompletionSource();
        var id = storage.StartUpload("r");
        var body = new StalledBody(first, rest, release.Task);
        var append = storage.AppendAsync("r", id, body, null, CancellationToken.None);
        await body.FirstSent.Task;

        // the upload holds `first` right now: completing it as that digest must not race the writer
        var e = await Assert.ThrowsAsync<DistributionException>(() => storage.AppendAndCompleteAsync("r", id, Stream.Null, Digest.Of(first), CancellationToken.None));
        Assert.Equal(416, e.Status);
        Assert.Contains("being written by another request", e.Message, StringComparison.Ordinal);
        Assert.False(storage.BlobExists(Digest.Of(first)));
        await Assert.ThrowsAsync<DistributionException>(() => storage.AppendAsync("r", id, new MemoryStream([1, 2, 3]), null, CancellationToken.None));

        release.SetResult();
        Assert.Equal(8192, await append);
        await storage.AppendAndCompleteAsync("r", id, Stream.Null, Digest.Of([.. first, .. rest]), CancellationToken.None);
        Assert.Equal([.. first, .. rest], File.ReadAllBytes(storage.BlobPath(Digest.Of([.. first, .. rest]))));
    }

    [Fact]
    public void UploadsAbandonedForAWeek_ArePurged_FreshOnesKept()
    {
        var storage = new RegistryStorage(_dir);
        var stale = storage.StartUpload("r");
        var fresh = storage.StartUpload("r");
        foreach (var f in Directory.GetFiles(Path.Combine(_dir, "uploads"), stale + "*"))
        {
            File.SetLastWriteTimeUtc(f, DateTime.UtcNow - RegistryStorage.UploadMaxAge - TimeSpan.FromHours(1));
        }
        var restarted = new RegistryStorage(_dir);
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "uploads"), stale + "*"));
        Assert.Equal(404, Assert.Throws<DistributionException>(() => restarted.UploadSize("r", stale)).Status);
        Assert.Equal(0, restarted.UploadSize("r", fresh));
    }

    [Fact]
    public async Task AStoredBlob_IsNeverReplaced()
    {
        var storage = new RegistryStorage(_dir);
        var content = RandomNumberGenerator.GetBytes(1000);
        var digest = Digest.Of(content);
        var id = storage.StartUpload("r");
        await storage.AppendAndCompleteAsync("r", id, new MemoryStream(content), digest, CancellationToken.None);
        var path = storage.BlobPath(digest);
        File.SetLastWriteTimeUtc(path, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        id = storage.StartUpload("r");
        await storage.AppendAndCompleteAsync("r", id, new MemoryStream(content), digest, CancellationToken.None);
        Assert.Equal(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(path));
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "uploads")));
    }
}
