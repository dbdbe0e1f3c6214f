using MathNet.Numerics.Distributions;
using Microsoft.Data.Analysis;

namespace TextAttention.Experiments;

/// <summary>Summaries across seeds: means, spreads and paired confidence intervals.</summary>
public static class Statistics
{
    // Two-sided 95% critical values of Student's t for 1..30 degrees of freedom (standard tables).
    private static readonly double[] T975 =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    /// <summary>The t quantile used for a 95% interval with <paramref name="degreesOfFreedom"/>; 1.96 beyond 30.</summary>
    public static double TCritical(int degreesOfFreedom) =>
        degreesOfFreedom < 1 ? double.NaN : degreesOfFreedom <= T975.Length ? T975[degreesOfFreedom - 1] : 1.96;

    /// <summary>Sample mean and standard deviation (n − 1 in the denominator; 0 for one value).</summary>
    public static (double Mean, double Std) MeanStd(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        var std = values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return (mean, std);
    }

    /// <summary>Per dataset and pooling: runs, mean and standard deviation of test accuracy and macro-F1.</summary>
    public static DataFrame Summary(IEnumerable<RunScore> runs)
    {
        var groups = runs.GroupBy(r => (r.Dataset, r.Pooling)).ToList();
        var accuracy = groups.Select(g => MeanStd(g.Select(r => r.Accuracy).ToList())).ToList();
        var f1 = groups.Select(g => MeanStd(g.Select(r => r.MacroF1).ToList())).ToList();
        return new DataFrame(
            new StringDataFrameColumn("dataset", groups.Select(g => g.Key.Dataset)),
            new StringDataFrameColumn("pooling", groups.Select(g => g.Key.Pooling)),
            new Int32DataFrameColumn("seeds", groups.Select(g => g.Count())),
            new DoubleDataFrameColumn("accuracy_mean", accuracy.Select(a => Math.Round(a.Mean, 4))),
            new DoubleDataFrameColumn("accuracy_std", accuracy.Select(a => Math.Round(a.Std, 4))),
            new DoubleDataFrameColumn("macro_f1_mean", f1.Select(a => Math.Round(a.Mean, 4))),
            new DoubleDataFrameColumn("macro_f1_std", f1.Select(a => Math.Round(a.Std, 4))));
    }

    /// <summary>The two-sided quantile of Student's t for a (1 − <paramref name="alpha"/>) interval (MathNet.Numerics).</summary>
    public static double TQuantile(int degreesOfFreedom, double alpha) =>
        degreesOfFreedom < 1 ? double.NaN : StudentT.InvCDF(0, 1, degreesOfFreedom, 1 - alpha / 2);

    /// <summary>
    /// Paired comparison of test accuracy of poolings <paramref name="a"/> and <paramref name="b"/> on
    /// <paramref name="dataset"/>, over the seeds both were run with: mean difference ± t·s/√n, with t at level
    /// 1 − 0.05/<paramref name="family"/> (Bonferroni) when several comparisons are reported together.
    /// </summary>
    public static PairedComparison Paired(IEnumerable<RunScore> runs, string dataset, string a, string b, int family = 1)
    {
        var list = runs.Where(r => r.Dataset == dataset).ToList();
        var first = list.Where(r => r.Pooling == a).ToDictionary(r => r.Seed, r => r.Accuracy);
        var second = list.Where(r => r.Pooling == b).ToDictionary(r => r.Seed, r => r.Accuracy);
        var differences = first.Keys.Intersect(second.Keys).Order().Select(s => first[s] - second[s]).ToList();
        if (differences.Count == 0)
        {
            throw new ArgumentException($"no seed was run with both {a} and {b} on {dataset}.");
        }

        var (mean, std) = MeanStd(differences);
        var critical = family == 1 ? TCritical(differences.Count - 1) : TQuantile(differences.Count - 1, 0.05 / family);
        var half = differences.Count < 2 ? double.NaN : critical * std / Math.Sqrt(differences.Count);
        return new PairedComparison(dataset, a, b, differences.Count, mean, mean - half, mean + half) { Family = family };
    }

    /// <summary>
    /// The family of comparisons reported together, each adjusted for all of them: the seed interval (paired t) and,
    /// when <paramref name="correct"/> holds per-item results, the test-set interval (paired bootstrap over items).
    /// Comparisons whose poolings were not both run are left out of the family.
    /// </summary>
    /// <param name="correct">(dataset, pooling, seed) → one '1' or '0' per test item, as <see cref="RunResult.TestCorrect"/>.</param>
    public static List<PairedComparison> Family(IReadOnlyList<RunScore> runs, IEnumerable<(string Dataset, string A, string B)> comparisons,
        IReadOnlyDictionary<(string Dataset, string Pooling, int Seed), string>? correct = null, int resamples = 10_000, int seed = 2016)
    {
        var present = runs.Select(r => (r.Dataset, r.Pooling)).ToHashSet();
        var family = comparisons.Where(c => present.Contains((c.Dataset, c.A)) && present.Contains((c.Dataset, c.B))).ToList();
        return family.Select(c =>
        {
            var comparison = Paired(runs, c.Dataset, c.A, c.B, family.Count);
            return correct is null ? comparison : comparison with { Items = ItemInterval(runs, correct, c.Dataset, c.A, c.B, 0.05 / family.Count, resamples, seed) };
        }).ToList();
    }

    /// <summary>
    /// A percentile interval at level 1 − <paramref name="alpha"/> for the seed-averaged accuracy difference A − B, from
    /// a paired bootstrap over test items: each resample draws the test items with replacement (the same items for
    /// both poolings and every seed) and recomputes the mean over seeds of the difference.
    /// </summary>
    public static (double Low, double High)? ItemInterval(IReadOnlyList<RunScore> runs, IReadOnlyDictionary<(string Dataset, string Pooling, int Seed), string> correct,
        string dataset, string a, string b, double alpha, int resamples = 10_000, int seed = 2016)
    {
        var seeds = runs.Where(r => r.Dataset == dataset && r.Pooling == a).Select(r => r.Seed)
            .Intersect(runs.Where(r => r.Dataset == dataset && r.Pooling == b).Select(r => r.Seed)).Order().ToList();
        if (seeds.Count == 0 || seeds.Any(s => !correct.ContainsKey((dataset, a, s)) || !correct.ContainsKey((dataset, b, s))))
        {
            return null;
        }

        var items = correct[(dataset, a, seeds[0])].Length;
        if (items == 0 || seeds.Any(s => correct[(dataset, a, s)].Length != items || correct[(dataset, b, s)].Length != items))
        {
            return null;
        }

        // d_i: item i's difference in correctness, averaged over the seeds.
        var d = new double[items];
        foreach (var s in seeds)
        {
            var first = correct[(dataset, a, s)];
            var second = correct[(dataset, b, s)];
            for (var i = 0; i < items; i++)
            {
                d[i] += ((first[i] == '1' ? 1 : 0) - (second[i] == '1' ? 1 : 0)) / (double)seeds.Count;
            }
        }

        var random = new Random(seed);
        var means = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            double total = 0;
            for (var i = 0; i < items; i++)
            {
                total += d[random.Next(items)];
            }

            means[r] = total / items;
        }

        Array.Sort(means);
        double Quantile(double q) => means[Math.Clamp((int)Math.Floor(q * (resamples - 1)), 0, resamples - 1)];
        return (Quantile(alpha / 2), Quantile(1 - alpha / 2));
    }
}
