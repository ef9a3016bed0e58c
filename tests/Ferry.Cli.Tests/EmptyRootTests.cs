using System.Buffers.Binary;
using Ferry.Oci;
using Ferry.Oci.Tests;

namespace Ferry.Cli.Tests;

/// <summary>
/// The site executable needs nothing from the host (issue 21): it is fully static, and copied alone into an empty
/// directory it works there under <c>chroot</c> — the linux-arm64 one under qemu-user's static build, copied in
/// beside it. The root holds only the executable, /dev/urandom (which every Linux root has and the .NET runtime
/// reads) and what a test hands it: a chart, a bundle and its key, an image layout, a CA bundle where TLS is used.
/// </summary>
public sealed class EmptyRootTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-root-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Architectures => new() { "x64", "arm64" };

    [SkippableTheory]
    [MemberData(nameof(Architectures))]
    public void Executable_IsStatic(string arch)
    {
        var path = NativeExecutables.Path(arch);
        Skip.If(path is null, NativeWhy(arch));
        var elf = File.ReadAllBytes(path!);
        Assert.Equal("\u007fELF"u8.ToArray(), elf[..4]);
        Assert.Equal(arch == "arm64" ? 183 : 62, BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(18))); // e_machine
        // Program headers: a dynamically linked executable has PT_INTERP (the loader to run) and PT_DYNAMIC.
        var phoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(32));
        var phentsize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(54));
        var phnum = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(56));
        var types = Enumerable.Range(0, phnum).Select(i => BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(phoff + i * phentsize))).ToList();
        Assert.Contains(1u, types); // PT_LOAD
        Assert.DoesNotContain(3u, types); // PT_INTERP
        Assert.DoesNotContain(2u, types); // PT_DYNAMIC
        if (NativeExecutables.IsNative(arch) && File.Exists("/usr/bin/ldd"))
        {
            var (_, output, err) = NativeExecutables.Run(["/usr/bin/ldd", path!]);
            Assert.Contains("not a dynamic executable", output + err, StringComparison.Ordinal);
        }
        Assert.True(elf.Length < 60 * 1024 * 1024, $"{elf.Length / 1024 / 1024} MiB"); // reported goal: under 40 MiB
    }

    [SkippableTheory]
    [MemberData(nameof(Architectures))]
    public async Task InAnEmptyRoot_VersionTemplateAndVerify_MatchTheManagedBuild(string arch)
    {
        var ferry = Chroot(arch);
        var (code, output, err) = NativeExecutables.Run(ferry, "version");
        Assert.True(code == 0, err);
        Assert.Equal((await CliRunner.RunAsync("version")).Out, output);

        CopyTree(Path.Combine(CliRunner.Examples, "charts", "shop"), Path.Combine(_dir, "root", "charts", "shop"));
        (code, output, err) = NativeExecutables.Run(ferry, "template", "shop", "/charts/shop", "--set", "replicaCount=3");
        Assert.True(code == 0, err);
        Assert.Equal((await CliRunner.RunAsync("template", "shop", Path.Combine(_dir, "root", "charts", "shop"), "--set", "replicaCount=3")).Out, output);
        Assert.Contains("replicas: 3", output, StringComparison.Ordinal);

        var bundle = Path.Combine(_dir, "root", "edge.ferry");
        (code, _, err) = await CliRunner.RunAsync("bundle", "build", CliRunner.WriteEdgeSpec(_dir), "-o", bundle, "--env", "DOMAIN=edge.example.com");
        Assert.True(code == 0, err);
        var vendor = Path.Combine(_dir, "root", "vendor");
        Assert.Equal(0, (await CliRunner.RunAsync("keygen", "-o", vendor)).Code);
        Assert.Equal(0, (await CliRunner.RunAsync("bundle", "sign", bundle, "--key", vendor + ".pem")).Code);
        (code, output, err) = NativeExecutables.Run(ferry, "bundle", "verify", "/edge.ferry", "--key", "/vendor.pub.pem");
        Assert.True(code == 0, err);
        Assert.EndsWith("verified\n", output, StringComparison.Ordinal);

        // Another vendor's key is refused there too (the signature check runs on the statically linked OpenSSL).
        Assert.Equal(0, (await CliRunner.RunAsync("keygen", "-o", Path.Combine(_dir, "root", "other"))).Code);
        (code, _, err) = NativeExecutables.Run(ferry, "bundle", "verify", "/edge.ferry", "--key", "/other.pub.pem");
        Assert.Equal(1, code);
        Assert.Contains("signature", err + output, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableTheory]
    [InlineData("x64", "/etc/ssl/certs/ca-certificates.crt")]                 // Debian, Ubuntu
    [InlineData("x64", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem")]  // CentOS 7, RHEL, Kylin
    [InlineData("arm64", "/etc/pki/tls/certs/ca-bundle.crt")]                 // Fedora, RHEL 6
    public async Task InAnEmptyRoot_PushesOverTlsWithBasicAuth_TrustingTheDistributionsCaBundle(string arch, string caBundle)
    {
        var ferry = Chroot(arch);
        var layout = OciLayout.Open(Path.Combine(_dir, "root", "images"), create: true);
        var image = TestImages.Image(layout, "docker.io/acme/tool:1.0", [TestImages.Layer(layout, 300 * 1024, 7)]);
        var native = NativeExecutables.Command("x64", out var why);
        Skip.If(native is null, why);
        var registry = native!;
        var (code, line, err) = NativeExecutables.RunWithInput(registry, "s3cret\n", "registry", "htpasswd", "site", "--password-stdin");
        Assert.True(code == 0, err);
        File.WriteAllText(Path.Combine(_dir, "htpasswd"), line);
        var (cert, key, ca) = TestCertificates.WriteSelfSigned(_dir);
        await NativeExecutables.ServeAsync(registry, Path.Combine(_dir, "storage"), ["--tls-cert", cert, "--tls-key", key, "--htpasswd", Path.Combine(_dir, "htpasswd")], async (_, to) =>
        {
            // No CA bundle in the root: the failure says so, and what to do.
            (code, _, err) = NativeExecutables.RunWithInput(ferry, "s3cret\n", "images", "push", "/images", "--to", to, "--username", "site", "--password-stdin");
            Assert.Equal(1, code);
            Assert.Contains("no CA certificates were found on this machine", err, StringComparison.Ordinal);
            Assert.Contains("--ca-file", err, StringComparison.Ordinal);
            var chroot = Array.IndexOf(ferry, "/usr/sbin/chroot"); // env ... NAME=VALUE chroot ROOT ...
            (code, _, err) = NativeExecutables.RunWithInput([.. ferry[..chroot], "SSL_CERT_FILE=/etc/certs.pem", .. ferry[chroot..]], "s3cret\n", "images", "push", "/images", "--to", to, "--username", "site", "--password-stdin");
            Assert.Equal(1, code);
            Assert.Contains("SSL_CERT_FILE=/etc/certs.pem does not exist", err, StringComparison.Ordinal);

            var bundle = Path.Combine(_dir, "root", caBundle.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(bundle)!);
            File.Copy(ca, bundle);
            (code, _, err) = NativeExecutables.RunWithInput(ferry, "s3cret\n", "images", "push", "/images", "--to", to, "--username", "site", "--password-stdin");
            Assert.True(code == 0, err);
            (code, _, err) = NativeExecutables.RunWithInput(registry, "s3cret\n", "images", "pull", $"{to}/acme/tool:1.0", "--to", Path.Combine(_dir, "pulled"), "--ca-file", ca, "--username", "site", "--password-stdin");
            Assert.True(code == 0, err);
            Assert.Equal(image.Digest, OciLayout.Open(Path.Combine(_dir, "pulled")).Resolve($"{to}/acme/tool:1.0").Digest);
        });
    }

    [SkippableTheory]
    [MemberData(nameof(Architectures))]
    public async Task InAnEmptyRoot_RegistryServe_AnswersAPull(string arch)
    {
        var ferry = Chroot(arch);
        var layout = OciLayout.Open(Path.Combine(_dir, "images"), create: true);
        var image = TestImages.Image(layout, "docker.io/acme/tool:2.0", [TestImages.Layer(layout, 200 * 1024, 8)]);
        await NativeExecutables.ServeAsync(ferry, "/storage", [], async (first, to) =>
        {
            Assert.StartsWith("ferry registry: serving /storage", first, StringComparison.Ordinal);
            var (code, _, err) = await CliRunner.RunAsync("images", "push", Path.Combine(_dir, "images"), "--to", to, "--insecure");
            Assert.True(code == 0, err);
            (code, _, err) = await CliRunner.RunAsync("images", "pull", $"{to}/acme/tool:2.0", "--to", Path.Combine(_dir, "pulled"), "--insecure");
            Assert.True(code == 0, err);
            Assert.Equal(image.Digest, OciLayout.Open(Path.Combine(_dir, "pulled")).Resolve($"{to}/acme/tool:2.0").Digest);
        });
        Assert.True(Directory.EnumerateFiles(Path.Combine(_dir, "root", "storage"), "*", SearchOption.AllDirectories).Any());
    }

    [SkippableFact]
    public void InARootWithoutDev_TheMissingUrandomIsNamed()
    {
        var ferry = Chroot("x64", urandom: false);
        var (code, _, err) = NativeExecutables.Run(ferry, "images", "pull", "127.0.0.1:1/acme/tool:1.0", "--to", "/pulled", "--insecure");
        Assert.Equal(1, code);
        Assert.Equal("ferry: /dev/urandom is missing, so no random numbers can be drawn: run ferry where /dev is mounted (in a chroot: mount --bind /dev ROOT/dev)\n", err);
    }

    /// <summary>An empty root holding the executable (and qemu's static build for another architecture): the command
    /// running /ferry in it. Skips unless this is root with chroot and the executable.</summary>
    private string[] Chroot(string arch, bool urandom = true)
    {
        var path = NativeExecutables.Path(arch);
        Skip.If(path is null, NativeWhy(arch));
        Skip.IfNot(Environment.IsPrivilegedProcess && File.Exists("/usr/sbin/chroot"), "chroot needs root (CI runs ./test.sh as root)");
        var root = Path.Combine(_dir, "root");
        Directory.CreateDirectory(Path.Combine(root, "dev"));
        File.Copy(path!, Path.Combine(root, "ferry"));
        if (urandom)
        {
            var mknod = NativeExecutables.Run(["/usr/bin/mknod", "-m", "666", Path.Combine(root, "dev", "urandom"), "c", "1", "9"]);
            Assert.True(mknod.Code == 0, mknod.Err);
        }
        // Nothing from this machine's environment either: its CA variables name files the root does not have.
        string[] chroot = ["/usr/bin/env", "-u", "SSL_CERT_FILE", "-u", "SSL_CERT_DIR", "/usr/sbin/chroot", root];
        if (NativeExecutables.IsNative(arch))
        {
            return [.. chroot, "/ferry"];
        }
        var qemu = NativeExecutables.Qemu(arch);
        Skip.If(qemu is null || !qemu.EndsWith("-static", StringComparison.Ordinal), $"running linux-{arch} in a chroot needs qemu-user-static (apt-get install qemu-user-static)");
        File.Copy(qemu!, Path.Combine(root, "qemu"));
        return [.. chroot, "/qemu", "/ferry"];
    }

    private static string NativeWhy(string arch)
    {
        NativeExecutables.Command(arch, out var why);
        return why;
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
