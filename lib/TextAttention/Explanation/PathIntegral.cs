namespace TextAttention.Explanation;

/// <summary>
/// f along the straight path from the all-zero baseline to each row's text, f(α·x) for α in [0, 1]: what integrated
/// gradients integrates. <see cref="Slopes"/> gives, per token, x_t · ∇_t f(α·x) (summed over the embedding), whose sum
/// over the tokens is df/dα.
/// </summary>
public interface IPath
{
    /// <summary>f at each point (row, α), without gradients.</summary>
    double[] Values(IReadOnlyList<(int Row, double Alpha)> points);

    /// <summary>f and every token's slope x_t · ∇_t f at each point (row, α): (N) and (N, tokens).</summary>
    (double[] Values, double[][] Slopes) Slopes(IReadOnlyList<(int Row, double Alpha)> points);
}

/// <summary>One row's integrated gradients from <see cref="PathIntegral.Integrate"/>.</summary>
/// <param name="Scores">Each token's share: Σ_k w_k · slope_t(m_k) over the partition's intervals (width w_k, midpoint m_k).</param>
/// <param name="Gap">Σ scores − (f(x) − f(0)): what the sum misses of completeness.</param>
/// <param name="Steps">The intervals of the final partition: the gradient evaluations the sum is made of.</param>
/// <param name="Error">Σ_k |w_k · f′(m_k) − (f(b_k) − f(a_k))|, the midpoint rule's error interval by interval; it bounds |<see cref="Gap"/>|.</param>
/// <param name="Complete">Whether <see cref="Error"/> met the tolerance.</param>
/// <param name="Ends">The partition's ends, from 0 to 1: where the refinement put its intervals.</param>
public sealed record PathResult(double[] Scores, double Gap, int Steps, double Error, bool Complete, double[] Ends);

/// <summary>
/// Integrated gradients with a partition of [0, 1] refined where it is needed. The midpoint rule on an interval
/// [a, b] gives w · f′(m) for the change f(b) − f(a), which is known exactly from two forward passes, so each
/// interval's own error is measured, not estimated. Starting from <see cref="ExplainOptions.FirstSteps"/> equal
/// intervals, the intervals with the largest errors are halved (each midpoint, where f is already known, becomes a new
/// end), as few as leave the others' errors within half the tolerance, until the errors sum to within the tolerance or
/// the partition reaches <see cref="ExplainOptions.MaxSteps"/> intervals.
/// <para>
/// A uniform partition spends its steps evenly; an LSTM can change its output almost as a step along the path (its
/// state switches at one α over dozens of tokens), and a uniform sum then needs tens of thousands of steps for what
/// a refined partition gets with a few dozen more. Both are Riemann sums of the same integral: with enough steps
/// they agree.
/// </para>
/// </summary>
public static class PathIntegral
{
    /// <summary>Intervals narrower than this are not halved again: float32 cannot tell their ends apart.</summary>
    public const double NarrowestInterval = 1.0 / (1 << 22);

    /// <param name="path">f along each row's path.</param>
    /// <param name="atBaseline">f(0) for every row.</param>
    /// <param name="atText">f(x) for every row.</param>
    public static PathResult[] Integrate(IPath path, IReadOnlyList<double> atBaseline, IReadOnlyList<double> atText, ExplainOptions options)
    {
        var rows = atText.Count;
        var first = Math.Max(1, options.FirstSteps);
        var partitions = new List<Interval>[rows];

        // The interior ends of the first partition: forward passes only.
        var ends = Enumerable.Range(0, rows).SelectMany(r => Enumerable.Range(1, first - 1).Select(k => (Row: r, Alpha: (double)k / first))).ToList();
        var endValues = path.Values(ends);
        double End(int row, int k) => k == 0 ? atBaseline[row] : k == first ? atText[row] : endValues[row * (first - 1) + k - 1];
        for (var r = 0; r < rows; r++)
        {
            partitions[r] = [.. Enumerable.Range(0, first).Select(k => new Interval((double)k / first, (double)(k + 1) / first, End(r, k), End(r, k + 1)))];
        }

        var pending = Enumerable.Range(0, rows).ToHashSet();
        var unmeasured = partitions.SelectMany((p, r) => p.Select(i => (Row: r, Interval: i))).ToList();
        while (true)
        {
            Measure(path, unmeasured);
            unmeasured = [];
            foreach (var r in pending.ToList())
            {
                var partition = partitions[r];
                var tolerance = options.Tolerance(atText[r] - atBaseline[r]);
                var error = partition.Sum(i => Math.Abs(i.Error));
                var room = options.MaxSteps - partition.Count;
                var halve = Worst(partition, error, tolerance).Where(i => i.Width >= 2 * NarrowestInterval).Take(Math.Max(0, room)).ToList();
                if (error <= tolerance || halve.Count == 0)
                {
                    pending.Remove(r);
                    continue;
                }

                foreach (var interval in halve)
                {
                    var at = partition.IndexOf(interval);
                    Interval left = new(interval.A, interval.Mid, interval.FA, interval.FMid), right = new(interval.Mid, interval.B, interval.FMid, interval.FB);
                    partition[at] = left;
                    partition.Insert(at + 1, right);
                    unmeasured.Add((r, left));
                    unmeasured.Add((r, right));
                }
            }

            if (unmeasured.Count == 0)
            {
                break;
            }
        }

        return [.. Enumerable.Range(0, rows).Select(r =>
        {
            var partition = partitions[r];
            var scores = new double[partition[0].Slopes!.Length];
            foreach (var interval in partition)
            {
                for (var t = 0; t < scores.Length; t++)
                {
                    scores[t] += interval.Width * interval.Slopes![t];
                }
            }

            var error = partition.Sum(i => Math.Abs(i.Error));
            return new PathResult(scores, scores.Sum() - (atText[r] - atBaseline[r]), partition.Count, error, error <= options.Tolerance(atText[r] - atBaseline[r]),
                [.. partition.Select(i => i.A), 1.0]);
        })];
    }

    /// <summary>The fewest intervals, largest error first, without which the others' errors sum to half the tolerance or less.</summary>
    private static IEnumerable<Interval> Worst(List<Interval> partition, double error, double tolerance)
    {
        var rest = error;
        foreach (var interval in partition.OrderByDescending(i => Math.Abs(i.Error)))
        {
            if (rest <= tolerance / 2)
            {
                yield break;
            }

            rest -= Math.Abs(interval.Error);
            yield return interval;
        }
    }

    private static void Measure(IPath path, List<(int Row, Interval Interval)> intervals)
    {
        if (intervals.Count == 0)
        {
            return;
        }

        var (values, slopes) = path.Slopes([.. intervals.Select(i => (i.Row, i.Interval.Mid))]);
        for (var k = 0; k < intervals.Count; k++)
        {
            intervals[k].Interval.FMid = values[k];
            intervals[k].Interval.Slopes = slopes[k];
        }
    }

    /// <summary>[A, B] with f at its ends, and once measured f and the slopes at its midpoint.</summary>
    private sealed class Interval(double a, double b, double fa, double fb)
    {
        public double A { get; } = a;
        public double B { get; } = b;
        public double FA { get; } = fa;
        public double FB { get; } = fb;
        public double Width => B - A;
        public double Mid => (A + B) / 2;
        public double FMid { get; set; }
        public double[]? Slopes { get; set; }

        /// <summary>The midpoint rule's w · f′(m) minus the change it stands for.</summary>
        public double Error => Width * Slopes!.Sum() - (FB - FA);
    }
}
