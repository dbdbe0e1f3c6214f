using System.Globalization;

namespace TextAttention.Experiments;

/// <summary>
/// A paired comparison of two poolings over the same seeds on one dataset, with two 95% intervals adjusted for the
/// <see cref="Family"/> of comparisons reported together (Bonferroni: each interval at level 1 − 0.05/m).
/// </summary>
/// <param name="MeanDifference">Mean over seeds of accuracy(A) − accuracy(B), as a fraction (0.01 = one percentage point).</param>
/// <param name="Low">Lower end of the seed interval: paired t over seeds, family-adjusted.</param>
/// <param name="High">Upper end of that interval.</param>
public sealed record PairedComparison(string Dataset, string A, string B, int Seeds, double MeanDifference, double Low, double High)
{
    /// <summary>How many comparisons the intervals are adjusted for (1: unadjusted).</summary>
    public int Family { get; init; } = 1;

    /// <summary>
    /// The test-set interval: a paired bootstrap over test items of the seed-averaged difference (the seeds held
    /// fixed), family-adjusted; null when per-item results were not available.
    /// </summary>
    public (double Low, double High)? Items { get; init; }

    /// <summary>Whether both intervals lie on the same side of 0.</summary>
    public int Sign =>
        Seeds < 2 ? 0 :
        Low > 0 && (Items is null || Items.Value.Low > 0) ? 1 :
        High < 0 && (Items is null || Items.Value.High < 0) ? -1 : 0;

    /// <summary>The verdict in words and percentage points: which is better (both intervals agree), or that the data cannot tell.</summary>
    public string Verdict
    {
        get
        {
            if (Seeds < 2)
            {
                return $"{Seeds} seed: no interval can be computed";
            }

            var adjustment = Family > 1 ? $"; Bonferroni-adjusted for {Family} comparisons" : "";
            var items = Items is { } i ? $", test items {Pp(i.Low)} to {Pp(i.High)}" : "";
            return Sign switch
            {
                1 => $"{A} is more accurate than {B} by {Pp(MeanDifference)} pp (95% CI over seeds {Pp(Low)} to {Pp(High)}{items}{adjustment})",
                -1 => $"{B} is more accurate than {A} by {Pp(-MeanDifference)} pp (95% CI over seeds {Pp(-High)} to {Pp(-Low)}{(Items is { } j ? $", test items {Pp(-j.High)} to {Pp(-j.Low)}" : "")}{adjustment})",
                _ => $"no clear difference: {A} − {B} = {Pp(MeanDifference)} pp (95% CI over seeds {Pp(Low)} to {Pp(High)}{items}{adjustment}; an interval includes 0)",
            };
        }
    }

    /// <summary>A fraction as percentage points with two decimals (0.0392 → "3.92").</summary>
    public static string Pp(double fraction) => (100 * fraction).ToString("F2", CultureInfo.InvariantCulture);
}
