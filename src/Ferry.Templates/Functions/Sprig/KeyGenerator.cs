using System.Security.Cryptography;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>
/// RSA keys for <c>genPrivateKey</c>, <c>genCA</c> and the certificate functions (made by <see cref="RsaPrimes"/>).
/// Generation is a random search for primes whose time varies several-fold from key to key,
/// so each request races two generations on the thread pool and takes whichever finishes first; the other one is
/// kept, unused by anyone, for the next request of that size (charts ask for several: a CA, then certificates signed
/// by it). At most one spare per size is kept or in flight; every key is handed out once. A spare still being made
/// when the process ends is simply dropped.
/// </summary>
internal static class KeyGenerator
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, List<Task<RSA>>> Pending = [];

    public static RSA Rsa(int bits)
    {
        while (true)
        {
            Task<RSA>[] racing;
            lock (Gate)
            {
                if (!Pending.TryGetValue(bits, out var pending))
                {
                    pending = Pending[bits] = [];
                }
                var done = pending.Find(t => t.IsCompleted);
                if (done is not null)
                {
                    pending.Remove(done);
                    if (pending.Count == 0)
                    {
                        pending.Add(Start(bits)); // the spare for the next request
                    }
                    return done.GetAwaiter().GetResult();
                }
                while (pending.Count < 2)
                {
                    pending.Add(Start(bits));
                }
                racing = [.. pending];
            }
            Task.WaitAny(racing);
        }
    }

    private static Task<RSA> Start(int bits) => Task.Run(() =>
    {
        if (RsaPrimes.TryGenerate(bits) is { } key)
        {
            return key;
        }
        var rsa = RSA.Create(bits);
        rsa.ExportParameters(false); // a .NET RSA object makes its key lazily: make it now
        return rsa;
    });
}
