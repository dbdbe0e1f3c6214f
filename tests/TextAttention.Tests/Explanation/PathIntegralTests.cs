using TextAttention.Explanation;

namespace TextAttention.Tests.Explanation;

/// <summary>
/// The refined Riemann sum of integrated gradients against a path whose integrated gradients are known in closed form:
/// f(α·x) = Σ_t tanh(k_t (α x_t − c_t)), one steep step per token. Its slopes are x_t k_t sech²(k_t (α x_t − c_t)),
/// and its integrated gradients are each token's own change, tanh(k_t (x_t − c_t)) − tanh(−k_t c_t).
/// </summary>
public sealed class PathIntegralTests
{
    private sealed class Steps(double[][] x, double[][] k, double[][] c) : IPath
    {
        public int Evaluations { get; private set; }

        public double F(int row, double alpha) => Enumerable.Range(0, x[row].Length).Sum(t => Math.Tanh(k[row][t] * (alpha * x[row][t] - c[row][t])));

        public double[] Exact(int row) => [.. Enumerable.Range(0, x[row].Length).Select(t => Math.Tanh(k[row][t] * (x[row][t] - c[row][t])) - Math.Tanh(-k[row][t] * c[row][t]))];

        public double[] Values(IReadOnlyList<(int Row, double Alpha)> points) => [.. points.Select(p => F(p.Row, p.Alpha))];

        public (double[] Values, double[][] Slopes) Slopes(IReadOnlyList<(int Row, double Alpha)> points)
        {
            Evaluations += points.Count;
            return (Values(points), [.. points.Select(p => Enumerable.Range(0, x[p.Row].Length).Select(t =>
                x[p.Row][t] * k[p.Row][t] / Math.Pow(Math.Cosh(k[p.Row][t] * (p.Alpha * x[p.Row][t] - c[p.Row][t])), 2)).ToArray())]);
        }

        public double[] Uniform(int row, int steps)
        {
            var (_, slopes) = Slopes([.. Enumerable.Range(0, steps).Select(s => (row, (s + 0.5) / steps))]);
            return [.. Enumerable.Range(0, x[row].Length).Select(t => slopes.Sum(s => s[t]) / steps)];
        }
    }

    // Row 0: a smooth path. Row 1: two tokens switch within about 1/200 of the path, as a saturated LSTM can.
    private static Steps Path() => new(
        x: [[0.8, -0.5, 1.2], [1.0, 2.0, -1.0]],
        k: [[1.0, 2.0, 0.5], [400, 300, 1.0]],
        c: [[0.1, 0.2, -0.3], [0.137, 0.5, 0.2]]);

    private static double[] Ends(Steps path, double alpha) => [path.F(0, alpha), path.F(1, alpha)];

    [Fact]
    public void A_steep_path_gets_the_exact_integrated_gradients_with_few_steps_where_a_uniform_sum_fails()
    {
        var path = Path();
        var options = new ExplainOptions(FirstSteps: 32, MaxSteps: 1024, RelativeTolerance: 0, AbsoluteTolerance: 1e-3);

        var results = PathIntegral.Integrate(path, Ends(path, 0), Ends(path, 1), options);

        foreach (var row in new[] { 0, 1 })
        {
            var r = results[row];
            Assert.True(r.Complete, $"row {row}: error {r.Error} after {r.Steps} steps");
            Assert.True(Math.Abs(r.Gap) <= r.Error + 1e-12, $"row {row}: the gap {r.Gap} exceeds the summed errors {r.Error}");
            for (var t = 0; t < 3; t++)
            {
                Assert.True(Math.Abs(r.Scores[t] - path.Exact(row)[t]) <= 1e-3, $"row {row} token {t}: {r.Scores[t]} against {path.Exact(row)[t]}");
            }
        }

        Assert.Equal(32, results[0].Steps);   // the smooth row needs no refinement at this tolerance
        Assert.InRange(results[1].Steps, 33, 400);
        // A uniform sum with the steps the refined one took misses a steep token by far more than the tolerance.
        var uniform = path.Uniform(1, results[1].Steps);
        Assert.True(Math.Abs(uniform[1] - path.Exact(1)[1]) > 50 * 1e-3, $"uniform {uniform[1]} against {path.Exact(1)[1]}");
    }

    [Fact]
    public void Only_intervals_that_miss_their_share_are_halved_and_the_maximum_is_kept()
    {
        var path = Path();
        var capped = PathIntegral.Integrate(path, Ends(path, 0), Ends(path, 1), new ExplainOptions(FirstSteps: 8, MaxSteps: 40, RelativeTolerance: 0, AbsoluteTolerance: 1e-9));
        Assert.All(capped, r => Assert.False(r.Complete));
        Assert.All(capped, r => Assert.True(r.Steps <= 40, $"{r.Steps} steps"));
        Assert.Equal(40, capped[1].Steps);

        var counting = Path();
        var loose = PathIntegral.Integrate(counting, Ends(counting, 0), Ends(counting, 1), new ExplainOptions(FirstSteps: 8, MaxSteps: 1024, RelativeTolerance: 0, AbsoluteTolerance: 10));
        Assert.All(loose, r => Assert.Equal((8, true), (r.Steps, r.Complete)));
        Assert.Equal(16, counting.Evaluations);   // one gradient per interval per row, nothing more
    }
}
