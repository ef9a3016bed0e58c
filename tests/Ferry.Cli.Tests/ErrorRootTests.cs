using System.Reflection;

namespace Ferry.Cli.Tests;

/// <summary>One error root: every exception type Ferry defines is a <see cref="FerryException"/>, with its kind.</summary>
public sealed class ErrorRootTests
{
    private static readonly Assembly[] Ferry =
    [
        typeof(FerryException).Assembly, typeof(Charts.ChartException).Assembly, typeof(Oci.OciException).Assembly,
        typeof(Kube.KubeException).Assembly, typeof(Bundles.BundleException).Assembly, typeof(Registry.DistributionException).Assembly,
        typeof(UsageException).Assembly, typeof(Kustomize.KustomizeException).Assembly, typeof(Web.ConsoleServer).Assembly,
    ];

    [Fact]
    public void EveryFerryException_DerivesFromTheOneRoot()
    {
        var exceptions = Ferry.SelectMany(a => a.GetTypes()).Where(t => typeof(Exception).IsAssignableFrom(t)).ToList();
        Assert.True(exceptions.Count >= 12, string.Join(", ", exceptions.Select(t => t.Name)));
        var outside = exceptions.Where(t => !typeof(FerryException).IsAssignableFrom(t)).Select(t => t.FullName).ToList();
        Assert.Empty(outside);
    }

    [Fact]
    public void EachKnowsItsKind()
    {
        Assert.Equal(FailureKind.Usage, new UsageException("x").Kind);
        Assert.Equal(FailureKind.Input, new Bundles.BundleException("x").Kind);
        Assert.Equal(FailureKind.Registry, new Oci.OciException("x").Kind);
        Assert.Equal(FailureKind.Cluster, new Kube.KubeException("x").Kind);
        Assert.Equal(FailureKind.Render, new Templates.TemplateException("x").Kind);
        Assert.Equal(FailureKind.Input, new Templates.Yaml.YamlException("x").Kind);
        Assert.Equal("ferry: a chart that does not load", CommandLine.Failure(new Charts.ChartException("a chart that does not load ")));
    }
}
