using System.Text;

namespace Ferry.Bundles;

/// <summary>
/// Line diffs in the unified format of <c>diff -u</c> (<c>---</c>/<c>+++</c> headers, <c>@@ -a,b +c,d @@</c> hunks
/// with context lines), computed with Myers' O(ND) algorithm after trimming the common head and tail.
/// </summary>
public static class UnifiedDiff
{
    private enum Op
    {
        Keep,
        Delete,
        Insert,
    }

    /// <summary>The unified diff of two texts, or "" when they are equal.</summary>
    public static string Create(string before, string after, string beforeLabel, string afterLabel, int context = 3)
    {
        if (before == after)
        {
            return "";
        }
        var a = Lines(before);
        var b = Lines(after);
        var edits = Edits(a, b);
        var sb = new StringBuilder();
        sb.Append("--- ").Append(beforeLabel).Append('\n').Append("+++ ").Append(afterLabel).Append('\n');
        var i = 0;
        while (i < edits.Count)
        {
            // Find the next change, then grow the hunk while changes are within 2*context lines of each other.
            var first = edits.FindIndex(i, e => e.Op != Op.Keep);
            if (first < 0)
            {
                break;
            }
            var start = Math.Max(i, first - context);
            var end = first;
            var last = first;
            while (end < edits.Count)
            {
                if (edits[end].Op != Op.Keep)
                {
                    last = end;
                }
                else if (end - last > 2 * context)
                {
                    break;
                }
                end++;
            }
            end = Math.Min(edits.Count, last + context + 1);
            var hunk = edits.GetRange(start, end - start);
            int aStart = hunk[0].A, bStart = hunk[0].B;
            int aCount = hunk.Count(e => e.Op != Op.Insert), bCount = hunk.Count(e => e.Op != Op.Delete);
            sb.Append("@@ -").Append(Range(aStart, aCount)).Append(" +").Append(Range(bStart, bCount)).Append(" @@\n");
            foreach (var e in hunk)
            {
                sb.Append(e.Op switch { Op.Keep => ' ', Op.Delete => '-', _ => '+' }).Append(e.Op == Op.Insert ? b[e.B] : a[e.A]).Append('\n');
            }
            i = end;
        }
        return sb.ToString();
    }

    private static string Range(int start, int count) => count switch
    {
        0 => $"{start},0",
        1 => $"{start + 1}",
        _ => $"{start + 1},{count}",
    };

    private static string[] Lines(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }
        var lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    private readonly record struct Edit(Op Op, int A, int B);

    /// <summary>The edit script: every line of a and b once, as kept, deleted or inserted, in order.</summary>
    private static List<Edit> Edits(string[] a, string[] b)
    {
        var head = 0;
        while (head < a.Length && head < b.Length && a[head] == b[head])
        {
            head++;
        }
        var tail = 0;
        while (tail < a.Length - head && tail < b.Length - head && a[a.Length - 1 - tail] == b[b.Length - 1 - tail])
        {
            tail++;
        }
        var edits = new List<Edit>(a.Length + b.Length);
        for (var k = 0; k < head; k++)
        {
            edits.Add(new Edit(Op.Keep, k, k));
        }
        edits.AddRange(Myers(a, b, head, a.Length - tail, head, b.Length - tail));
        for (var k = 0; k < tail; k++)
        {
            edits.Add(new Edit(Op.Keep, a.Length - tail + k, b.Length - tail + k));
        }
        return edits;
    }

    private static List<Edit> Myers(string[] a, string[] b, int a0, int a1, int b0, int b1)
    {
        int n = a1 - a0, m = b1 - b0, max = n + m, offset = max + 1;
        var v = new int[2 * max + 3];
        var trace = new List<int[]>();
        for (var d = 0; d <= max; d++)
        {
            trace.Add((int[])v.Clone());
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && a[a0 + x] == b[b0 + y])
                {
                    x++;
                    y++;
                }
                v[offset + k] = x;
                if (x >= n && y >= m)
                {
                    return Backtrack(trace, d, n, m, offset, a0, b0);
                }
            }
        }
        throw new InvalidOperationException("unreachable: Myers' algorithm ends within n+m steps");
    }

    private static List<Edit> Backtrack(List<int[]> trace, int dEnd, int n, int m, int offset, int a0, int b0)
    {
        var edits = new List<Edit>();
        int x = n, y = m;
        for (var d = dEnd; d > 0; d--)
        {
            var v = trace[d];
            var k = x - y;
            var prevK = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) ? k + 1 : k - 1;
            var prevX = v[offset + prevK];
            var prevY = prevX - prevK;
            while (x > prevX && y > prevY)
            {
                edits.Add(new Edit(Op.Keep, a0 + --x, b0 + --y));
            }
            edits.Add(x == prevX ? new Edit(Op.Insert, a0 + x, b0 + --y) : new Edit(Op.Delete, a0 + --x, b0 + y));
        }
        while (x > 0 && y > 0)
        {
            edits.Add(new Edit(Op.Keep, a0 + --x, b0 + --y));
        }
        edits.Reverse();
        return edits;
    }
}
