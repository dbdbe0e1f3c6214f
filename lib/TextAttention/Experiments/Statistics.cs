using MathNet.Numerics.Distributions;
using Microsoft.Data.Analysis;

namespace TextAttention.Experiments;

/// <summary>Summaries across seeds: means and spreads (paired comparisons: <see cref="PairedComparisons"/>).</summary>
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
}
