using System.Runtime.InteropServices;

namespace Ferry.Kube.Tests;

/// <summary>
/// <c>dotnet Ferry.Kube.Tests.dll serve KUBECONFIG</c>: runs the API simulator as a stand-in cluster and writes a
/// kubeconfig for it, until SIGTERM/SIGINT. test.sh runs the Kubernetes tests once more with
/// <c>FERRY_TEST_KUBECONFIG</c> pointing at it, exactly as they run against a real cluster, which proves they use
/// nothing but the API. (The test host never calls this entry point.)
/// </summary>
public static class SimulatorHost
{
    public static int Main(string[] args)
    {
        if (args is not ["serve", var kubeconfig])
        {
            Console.Error.WriteLine("usage: dotnet Ferry.Kube.Tests.dll serve KUBECONFIG");
            return 2;
        }
        using var simulator = new ApiSimulator();
        simulator.WriteKubeconfig(kubeconfig + ".tmp");
        File.Move(kubeconfig + ".tmp", kubeconfig, overwrite: true);
        using var stop = new ManualResetEventSlim();
        void Stop(PosixSignalContext c)
        {
            c.Cancel = true;
            stop.Set();
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        Console.WriteLine($"API simulator at {simulator.Url}; kubeconfig {kubeconfig}");
        stop.Wait();
        return 0;
    }
}
