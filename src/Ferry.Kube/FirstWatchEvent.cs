using System.Net;

namespace Ferry.Kube;

/// <summary>
/// Makes a watch request answer with its first event. KubernetesClient's AOT build reads a whole response before it
/// returns, which for a watch (<c>?watch=true</c>) means until the server ends the stream; this handler cuts the body
/// after the first event line, so a watch call returns as soon as the object changes (Ferry's readiness waits).
/// </summary>
internal sealed class FirstWatchEventHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.OK && request.RequestUri?.Query.Contains("watch=true", StringComparison.Ordinal) == true)
        {
            response.Content = new FirstLineContent(response.Content);
        }
        return response;
    }

    /// <summary>The first line of another content (at most 16 MiB: one watch event), then the end.</summary>
    private sealed class FirstLineContent(HttpContent inner) : HttpContent
    {
        private const int MaxEventBytes = 16 << 20;

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            await SerializeToStreamAsync(stream, context, CancellationToken.None).ConfigureAwait(false);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var source = await inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                var buffer = new byte[8192];
                var total = 0;
                while (total < MaxEventBytes)
                {
                    var n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        return;
                    }
                    var end = Array.IndexOf(buffer, (byte)'\n', 0, n);
                    await stream.WriteAsync(buffer.AsMemory(0, end < 0 ? n : end + 1), cancellationToken).ConfigureAwait(false);
                    total += n;
                    if (end >= 0)
                    {
                        return;
                    }
                }
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
