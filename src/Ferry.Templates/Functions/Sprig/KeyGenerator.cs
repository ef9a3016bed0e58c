using System.Security.Cryptography;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>
/// RSA keys for <c>genPrivateKey</c>, <c>genCA</c> and the certificate functions. Generating one is a random search
/// for primes whose duration varies several-fold from key to key (0.6–2 s for 4096 bits on a CI core). With more
/// than one core, two independent generations run at once and the first to finish is kept, the other discarded: the
/// expected wait roughly halves, and the key is exactly as random either way.
/// </summary>
internal static class KeyGenerator
{
    public static RSA Rsa(int bits)
    {
        if (Environment.ProcessorCount < 2)
        {
            return Generate(bits);
        }
        var a = Task.Run(() => Generate(bits));
        var b = Task.Run(() => Generate(bits));
        var first = Task.WhenAny(a, b).GetAwaiter().GetResult();
        var other = first == a ? b : a;
        other.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        return first.GetAwaiter().GetResult();
    }

    private static RSA Generate(int bits)
    {
        var rsa = RSA.Create(bits);
        rsa.ExportParameters(false); // the key is made lazily; make it now, on this thread
        return rsa;
    }
}
