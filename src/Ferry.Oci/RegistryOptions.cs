namespace Ferry.Oci;

/// <summary>How Ferry talks to registries: TLS, credentials, retries and upload shape.</summary>
public sealed class RegistryOptions
{
    /// <summary>Allow plain HTTP and unverified TLS (loopback and test registries).</summary>
    public bool Insecure { get; init; }

    /// <summary>A PEM CA bundle to trust for registry TLS.</summary>
    public string? CaFile { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Docker's config.json with <c>auths</c>/<c>credHelpers</c>/<c>credsStore</c> (default ~/.docker/config.json).</summary>
    public string? DockerConfigPath { get; init; }

    /// <summary>Attempts per request before giving up on transient failures (5xx, 429, resets, truncation).</summary>
    public int MaxAttempts { get; init; } = 8;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Blobs larger than this are uploaded in chunks (PATCH) instead of one PUT.</summary>
    public long ChunkedUploadThreshold { get; init; } = 1L << 30;

    public int ChunkSize { get; init; } = 64 << 20;

    /// <summary>Concurrent blob transfers.</summary>
    public int Parallelism { get; init; } = 4;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a connection may take to open. Without a bound a firewall that drops packets holds each attempt for the
    /// kernel's two minutes (and eight attempts for 17); a registry answers a SYN in milliseconds.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
