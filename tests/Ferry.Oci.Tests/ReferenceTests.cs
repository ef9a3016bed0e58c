namespace Ferry.Oci.Tests;

public class ReferenceTests
{
    [Theory]
    [InlineData("nginx", "docker.io", "library/nginx", "latest", null)]
    [InlineData("nginx:1.25", "docker.io", "library/nginx", "1.25", null)]
    [InlineData("bitnami/redis:7", "docker.io", "bitnami/redis", "7", null)]
    [InlineData("registry.local:5000/acme/api:v2", "registry.local:5000", "acme/api", "v2", null)]
    [InlineData("localhost/app", "localhost", "app", "latest", null)]
    [InlineData("ghcr.io/a/b/c:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "ghcr.io", "a/b/c", "1", "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("quay.io/x@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "quay.io", "x", null, "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("index.docker.io/library/busybox:1.36", "docker.io", "library/busybox", "1.36", null)]
    public void ParsesAndNormalisesLikeDocker(string input, string registry, string repository, string? tag, string? digest)
    {
        var r = ImageReference.Parse(input);
        Assert.Equal(registry, r.Registry);
        Assert.Equal(repository, r.Repository);
        Assert.Equal(tag, r.Tag);
        Assert.Equal(digest, r.Digest?.Value);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Nginx", "lowercase")]
    [InlineData("nginx:bad tag", "tag")]
    [InlineData("nginx@sha256:abc", "digest")]
    [InlineData("a//b", "invalid")]
    public void RejectsBadReferencesWithAReason(string input, string reason)
    {
        var e = Assert.Throws<OciException>(() => ImageReference.Parse(input));
        Assert.Contains(reason, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void PushTargets_FollowTheCliContract()
    {
        Assert.Equal("reg:5000/acme/library/nginx:1.25", ImageCopier.PushTarget("docker.io/library/nginx:1.25", "reg:5000/acme").ToString());
        Assert.Equal("reg:5000/library/nginx:1.25", ImageCopier.PushTarget("docker.io/library/nginx:1.25", "reg:5000").ToString());
        Assert.Equal("reg:5000/acme/app:1.0", ImageCopier.PushTarget("1.0", "reg:5000/acme/app").ToString());
        Assert.Throws<OciException>(() => ImageCopier.PushTarget("1.0", "reg:5000"));
        // a URL for the destination: named, not read as a host called "http:"
        Assert.Equal("http://reg:5000/acme: give the registry as HOST[:PORT][/PATH], without http:// or https:// (a plain-HTTP registry is " +
            "allowed with --insecure)", Assert.Throws<OciException>(() => ImageCopier.PushTarget("docker.io/library/nginx:1.25", "http://reg:5000/acme")).Message);
    }
}
