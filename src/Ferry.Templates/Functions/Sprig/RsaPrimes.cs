using System.Numerics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>
/// RSA key generation as Go's crypto/rsa does it — random primes with the two top bits set, sieved by small primes,
/// then Miller–Rabin with random bases, the number of rounds chosen by the prime's size as FIPS 186-5's tables (and
/// Go) choose it, plus two — over OpenSSL's constant-time big-number arithmetic. .NET's <see cref="RSA.Create(int)"/>
/// calls OpenSSL's SP 800-56B generator instead, which tests every prime with 64 or 128 rounds and derives it from
/// auxiliary primes: 2–6× slower for the same kind of key, the whole cost of charts that make a 4096-bit key.
/// The key is p·q with e = 65537, d = e⁻¹ mod lcm(p−1, q−1), |p−q| > 2^(bits/2−100) and d > 2^(bits/2) (SP 800-56B's
/// conditions). Where libcrypto's functions cannot be reached, <see cref="TryGenerate"/> returns null and the caller
/// falls back to <see cref="RSA.Create(int)"/>.
/// </summary>
internal static class RsaPrimes
{
    private const int Exponent = 65537;

    /// <summary>Odd primes below 2^14 for the sieve: a candidate divisible by one is skipped without a modular exponentiation.</summary>
    private static readonly uint[] SmallPrimes = OddPrimesBelow(1 << 14);

    private static readonly bool Available = Probe();

    /// <summary>Generations running now (spares race on the thread pool while the command goes on).</summary>
    private static int _running;

    /// <summary>Set when the process exits: OpenSSL frees its state in its atexit handler, so a generation still running
    /// then would touch freed memory. Each stops at its next step, and the exit waits for them (a few ms at most).</summary>
    private static volatile bool _exiting;

    static RsaPrimes()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            _exiting = true;
            SpinWait.SpinUntil(() => Volatile.Read(ref _running) == 0, TimeSpan.FromSeconds(5));
        };
    }

    /// <summary>A new RSA key of <paramref name="bits"/> bits (an even size of at least 1024), or null without libcrypto.</summary>
    public static RSA? TryGenerate(int bits)
    {
        if (!Available || bits < 1024 || bits % 2 != 0)
        {
            return null;
        }
        Interlocked.Increment(ref _running);
        try
        {
            return Generate(bits);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private static RSA Generate(int bits)
    {
        var half = bits / 2;
        var e = new BigInteger(Exponent);
        while (true)
        {
            var p = Prime(half);
            var q = Prime(half);
            if (BigInteger.Abs(p - q) <= BigInteger.One << (half - 100))
            {
                continue;
            }
            var lambda = (p - 1) / BigInteger.GreatestCommonDivisor(p - 1, q - 1) * (q - 1);
            var d = ModInverse(e, lambda);
            if (d <= BigInteger.One << half)
            {
                continue;
            }
            var n = p * q;
            var rsa = RSA.Create();
            rsa.ImportParameters(new RSAParameters
            {
                Modulus = Bytes(n, bits / 8),
                Exponent = Bytes(e, 3),
                D = Bytes(d, bits / 8),
                P = Bytes(p, half / 8),
                Q = Bytes(q, half / 8),
                DP = Bytes(d % (p - 1), half / 8),
                DQ = Bytes(d % (q - 1), half / 8),
                InverseQ = Bytes(ModInverse(q, p), half / 8),
            });
            return rsa;
        }
    }

    /// <summary>Whether <paramref name="n"/> (odd, at least 5) passes the Miller–Rabin test this generator applies; null without libcrypto.</summary>
    internal static bool? IsProbablePrime(BigInteger n, int rounds)
    {
        if (!Available)
        {
            return null;
        }
        using var ctx = new Bn.Context();
        using var number = Bn.Number.From(n);
        return MillerRabin(number, rounds, ctx);
    }

    /// <summary>Miller–Rabin rounds for a prime of this size (Go's table after FIPS 186-5 C.1), plus two.</summary>
    internal static int Rounds(int bits) => 2 + bits switch
    {
        >= 3747 => 3,
        >= 1345 => 4,
        >= 476 => 5,
        >= 400 => 6,
        >= 347 => 7,
        >= 308 => 8,
        >= 55 => 27,
        _ => 34,
    };

    /// <summary>A random probable prime of exactly <paramref name="bits"/> bits, the top two set, p ≢ 1 (mod 65537).</summary>
    private static BigInteger Prime(int bits)
    {
        using var ctx = new Bn.Context();
        using var start = new Bn.Number();
        using var candidate = new Bn.Number();
        var rounds = Rounds(bits);
        var remainders = new uint[SmallPrimes.Length];
        while (true)
        {
            Bn.Check(Bn.PrivRand(start.Handle, bits, 1, 1)); // top: the two high bits set; bottom: odd
            for (var i = 0; i < SmallPrimes.Length; i++)
            {
                remainders[i] = (uint)Bn.ModWord(start.Handle, SmallPrimes[i]);
            }
            var remainderE = (uint)Bn.ModWord(start.Handle, Exponent);
            for (uint delta = 0; delta < 1 << 20; delta += 2)
            {
                StopIfExiting();
                if (!SurvivesSieve(remainders, delta) || (remainderE + delta) % Exponent is 0 or 1)
                {
                    continue;
                }
                Bn.Check(Bn.Copy(candidate.Handle, start.Handle) != 0);
                Bn.Check(Bn.AddWord(candidate.Handle, delta));
                if (Bn.NumBits(candidate.Handle) != bits)
                {
                    break; // ran past the size: draw again
                }
                if (MillerRabin(candidate, rounds, ctx))
                {
                    return candidate.ToBigInteger(bits);
                }
            }
        }
    }

    private static void StopIfExiting()
    {
        if (_exiting)
        {
            throw new OperationCanceledException("the process is exiting");
        }
    }

    private static bool SurvivesSieve(uint[] remainders, uint delta)
    {
        for (var i = 0; i < SmallPrimes.Length; i++)
        {
            if ((remainders[i] + delta) % SmallPrimes[i] == 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Miller–Rabin with <paramref name="rounds"/> bases drawn uniformly from [2, n−2].</summary>
    private static bool MillerRabin(Bn.Number n, int rounds, Bn.Context ctx)
    {
        using var minusOne = n.Clone();
        Bn.Check(Bn.SubWord(minusOne.Handle, 1));
        using var range = minusOne.Clone();
        Bn.Check(Bn.SubWord(range.Handle, 2)); // bases 2 .. n-2: a draw from [0, n-3) plus 2
        var s = 1;
        while (Bn.IsBitSet(minusOne.Handle, s) == 0)
        {
            s++;
        }
        using var d = new Bn.Number();
        Bn.Check(Bn.RShift(d.Handle, minusOne.Handle, s));
        using var a = new Bn.Number();
        using var y = new Bn.Number();
        for (var round = 0; round < rounds; round++)
        {
            StopIfExiting();
            Bn.Check(Bn.PrivRandRange(a.Handle, range.Handle));
            Bn.Check(Bn.AddWord(a.Handle, 2));
            Bn.Check(Bn.ModExpConstTime(y.Handle, a.Handle, d.Handle, n.Handle, ctx.Handle, 0));
            if (Bn.IsOne(y.Handle) != 0 || Bn.Cmp(y.Handle, minusOne.Handle) == 0)
            {
                continue;
            }
            var witness = true;
            for (var j = 1; j < s && witness; j++)
            {
                Bn.Check(Bn.ModMul(y.Handle, y.Handle, y.Handle, n.Handle, ctx.Handle));
                if (Bn.Cmp(y.Handle, minusOne.Handle) == 0)
                {
                    witness = false;
                }
                else if (Bn.IsOne(y.Handle) != 0)
                {
                    break;
                }
            }
            if (witness)
            {
                return false;
            }
        }
        return true;
    }

    private static BigInteger ModInverse(BigInteger a, BigInteger m)
    {
        BigInteger r0 = m, r1 = a % m, t0 = 0, t1 = 1;
        while (!r1.IsZero)
        {
            var quotient = BigInteger.DivRem(r0, r1, out var remainder);
            (r0, r1) = (r1, remainder);
            (t0, t1) = (t1, t0 - quotient * t1);
        }
        if (!r0.IsOne)
        {
            throw new CryptographicException("not invertible");
        }
        return t0.Sign < 0 ? t0 + m : t0;
    }

    private static byte[] Bytes(BigInteger v, int length)
    {
        var raw = v.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (raw.Length > length)
        {
            throw new CryptographicException("RSA parameter longer than its field");
        }
        var padded = new byte[length];
        raw.CopyTo(padded, length - raw.Length);
        CryptographicOperations.ZeroMemory(raw);
        return padded;
    }

    private static uint[] OddPrimesBelow(int limit)
    {
        var composite = new bool[limit];
        var primes = new List<uint>();
        for (var i = 3; i < limit; i += 2)
        {
            if (composite[i])
            {
                continue;
            }
            primes.Add((uint)i);
            for (var j = (long)i * i; j < limit; j += 2 * i)
            {
                composite[j] = true;
            }
        }
        return [.. primes];
    }

    private static bool Probe()
    {
        try
        {
            using var n = new Bn.Number();
            return Bn.NumBits(n.Handle) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The few libcrypto (OpenSSL 3) big-number functions this needs; bound directly in the static executable.</summary>
    private static class Bn
    {
        private const string Lib = "libcrypto";

        static Bn()
        {
            // the JIT-run tests and a dynamically linked executable load the system's libcrypto
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(Bn).Assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                // a resolver is already set for this assembly
            }
        }

        private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
            name == Lib && (NativeLibrary.TryLoad("libcrypto.so.3", out var handle) || NativeLibrary.TryLoad("libcrypto.so", out handle)) ? handle
                : 0;

        public static void Check(int ok)
        {
            if (ok != 1)
            {
                throw new CryptographicException("OpenSSL big-number operation failed");
            }
        }

        public static void Check(bool ok) => Check(ok ? 1 : 0);

        [DllImport(Lib, EntryPoint = "BN_new")]
        public static extern nint New();

        [DllImport(Lib, EntryPoint = "BN_clear_free")]
        public static extern void ClearFree(nint a);

        [DllImport(Lib, EntryPoint = "BN_CTX_new")]
        public static extern nint CtxNew();

        [DllImport(Lib, EntryPoint = "BN_CTX_free")]
        public static extern void CtxFree(nint ctx);

        [DllImport(Lib, EntryPoint = "BN_priv_rand")]
        public static extern int PrivRand(nint rnd, int bits, int top, int bottom);

        [DllImport(Lib, EntryPoint = "BN_priv_rand_range")]
        public static extern int PrivRandRange(nint rnd, nint range);

        [DllImport(Lib, EntryPoint = "BN_mod_word")]
        public static extern ulong ModWord(nint a, ulong w);

        [DllImport(Lib, EntryPoint = "BN_add_word")]
        public static extern int AddWord(nint a, ulong w);

        [DllImport(Lib, EntryPoint = "BN_sub_word")]
        public static extern int SubWord(nint a, ulong w);

        [DllImport(Lib, EntryPoint = "BN_copy")]
        public static extern nint Copy(nint to, nint from);

        [DllImport(Lib, EntryPoint = "BN_num_bits")]
        public static extern int NumBits(nint a);

        [DllImport(Lib, EntryPoint = "BN_is_bit_set")]
        public static extern int IsBitSet(nint a, int n);

        [DllImport(Lib, EntryPoint = "BN_is_one")]
        public static extern int IsOne(nint a);

        [DllImport(Lib, EntryPoint = "BN_cmp")]
        public static extern int Cmp(nint a, nint b);

        [DllImport(Lib, EntryPoint = "BN_rshift")]
        public static extern int RShift(nint r, nint a, int n);

        [DllImport(Lib, EntryPoint = "BN_mod_exp_mont_consttime")]
        public static extern int ModExpConstTime(nint r, nint a, nint p, nint m, nint ctx, nint mont);

        [DllImport(Lib, EntryPoint = "BN_mod_mul")]
        public static extern int ModMul(nint r, nint a, nint b, nint m, nint ctx);

        [DllImport(Lib, EntryPoint = "BN_bin2bn")]
        public static extern nint FromBin(byte[] s, int length, nint ret);

        [DllImport(Lib, EntryPoint = "BN_bn2binpad")]
        public static extern int ToBinPad(nint a, byte[] to, int length);

        /// <summary>A BIGNUM, cleared and freed on dispose.</summary>
        public sealed class Number : IDisposable
        {
            public Number()
            {
                Handle = New();
                if (Handle == 0)
                {
                    throw new CryptographicException("BN_new failed");
                }
            }

            public nint Handle { get; }

            public static Number From(BigInteger value)
            {
                var number = new Number();
                var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
                Check(FromBin(bytes, bytes.Length, number.Handle) != 0);
                return number;
            }

            public Number Clone()
            {
                var copy = new Number();
                Check(Copy(copy.Handle, Handle) != 0);
                return copy;
            }

            public BigInteger ToBigInteger(int bits)
            {
                var bytes = new byte[(bits + 7) / 8];
                Check(ToBinPad(Handle, bytes, bytes.Length) == bytes.Length);
                var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
                CryptographicOperations.ZeroMemory(bytes);
                return value;
            }

            public void Dispose() => ClearFree(Handle);
        }

        /// <summary>A BN_CTX (scratch space for the arithmetic).</summary>
        public sealed class Context : IDisposable
        {
            public nint Handle { get; } = CtxNew();

            public void Dispose() => CtxFree(Handle);
        }
    }
}
