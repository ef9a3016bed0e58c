namespace Ferry.Registry.Tests;

/// <summary>Whether a user exists must not show in how long a refusal takes.</summary>
public sealed class HtpasswdTimingTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void UnknownUsers_TakeAsLongAsWrongPasswords()
    {
        File.WriteAllText(_file, Htpasswd.Line("site", "s3cret") + "\n");
        var users = Htpasswd.Load(_file);
        Assert.True(users.Verify("site", "s3cret"));
        users.Verify("nobody", "warm-up");
        static double Ms(Action a)
        {
            var best = double.MaxValue;
            for (var i = 0; i < 3; i++)
            {
                var sw = System.Diagnostics.Stopwatch.StartNew();
                a();
                best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
            }
            return best;
        }
        var wrongPassword = Ms(() => Assert.False(users.Verify("site", "guess")));
        var unknownUser = Ms(() => Assert.False(users.Verify("nobody", "guess")));
        Assert.True(unknownUser > wrongPassword / 3, $"unknown user refused in {unknownUser:F1} ms, a wrong password in {wrongPassword:F1} ms");
    }
}
