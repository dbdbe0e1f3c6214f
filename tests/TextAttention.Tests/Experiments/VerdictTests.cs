using TextAttention.Attention;
using TextAttention.Experiments;
using TextAttention.Training;

namespace TextAttention.Tests.Experiments;

/// <summary>
/// The parts of the verdict that are pure arithmetic: family-adjusted intervals, the bootstrap over test items, the
/// learning-rate choice and the statistics of attention matrices, each against values worked out by hand or from
/// standard tables.
/// </summary>
public sealed class VerdictTests
{
    [Fact]
    public void A_family_of_five_widens_the_interval_to_t_at_99_5_percent()
    {
        // Differences 0.10, 0.00, 0.05, 0.02, 0.03: mean 0.04, s² = Σ(d − 0.04)² / 4 = (0.0036 + 0.0016 + 0.0001 + 0.0004 + 0.0001) / 4 = 0.00145.
        // Bonferroni for m = 5 puts each interval at 99%: t(0.995, 4) = 4.604 (standard tables).
        RunScore[] runs = [.. new[] { 0.10, 0.00, 0.05, 0.02, 0.03 }.SelectMany((d, i) => new RunScore[] { new("d", "a", i + 1, 0.8 + d, 0), new("d", "b", i + 1, 0.8, 0) })];

        var single = Statistics.Paired(runs, "d", "a", "b");
        var family = Statistics.Paired(runs, "d", "a", "b", family: 5);

        var half = Math.Sqrt(0.00145) / Math.Sqrt(5);
        Assert.Equal(0.04 + 2.776 * half, single.High, 3);
        Assert.Equal(0.04 + 4.604 * half, family.High, 3);
        Assert.Equal(0.04 - 4.604 * half, family.Low, 3);
        Assert.Equal(5, family.Family);
        Assert.Contains("Bonferroni-adjusted for 5 comparisons", family.Verdict);
    }

    [Fact]
    public void The_t_quantile_matches_the_tables()
    {
        Assert.Equal(2.776, Statistics.TQuantile(4, 0.05), 3);
        Assert.Equal(4.604, Statistics.TQuantile(4, 0.01), 3);
        Assert.Equal(2.262, Statistics.TQuantile(9, 0.05), 3);
    }

    [Fact]
    public void The_item_bootstrap_is_a_point_when_every_item_agrees_and_follows_the_normal_width_otherwise()
    {
        var scores = new List<RunScore> { new("d", "a", 1, 0, 0), new("d", "b", 1, 0, 0), new("d", "a", 2, 0, 0), new("d", "b", 2, 0, 0) };
        var allRight = new string('1', 400);
        var allWrong = new string('0', 400);
        var always = new Dictionary<(string, string, int), string>
        {
            [("d", "a", 1)] = allRight, [("d", "a", 2)] = allRight, [("d", "b", 1)] = allWrong, [("d", "b", 2)] = allWrong,
        };
        // Half the items: A right and B wrong on both seeds (d = 1); the other half: both right (d = 0). Mean 0.5,
        // item variance 0.25, so the 95% interval is about 0.5 ± 1.96 · √(0.25 / 4000) = 0.5 ± 0.0155.
        var half = string.Concat(Enumerable.Repeat("10", 2000));
        var mixed = new Dictionary<(string, string, int), string>
        {
            [("d", "a", 1)] = new string('1', 4000), [("d", "a", 2)] = new string('1', 4000), [("d", "b", 1)] = half, [("d", "b", 2)] = half,
        };

        Assert.Equal((1.0, 1.0), Statistics.ItemInterval(scores, always, "d", "a", "b", 0.05));
        var (low, high) = Statistics.ItemInterval(scores, mixed, "d", "a", "b", 0.05)!.Value;
        Assert.InRange(low, 0.5 - 0.0155 - 0.003, 0.5 - 0.0155 + 0.003);   // percentiles of 10,000 resamples wobble by about 0.001
        Assert.InRange(high, 0.5 + 0.0155 - 0.003, 0.5 + 0.0155 + 0.003);
        Assert.Null(Statistics.ItemInterval(scores, new Dictionary<(string, string, int), string>(), "d", "a", "b", 0.05));
    }

    [Fact]
    public void A_verdict_needs_both_intervals_on_one_side_and_speaks_in_percentage_points()
    {
        var seedsOnly = new PairedComparison("d", "a", "b", 5, 0.02, 0.01, 0.03) { Family = 12 };
        var itemsDisagree = seedsOnly with { Items = (-0.005, 0.045) };
        var both = seedsOnly with { Items = (0.004, 0.036) };

        Assert.Equal(1, seedsOnly.Sign);
        Assert.Equal(0, itemsDisagree.Sign);
        Assert.StartsWith("no clear difference: a − b = 2.00 pp", itemsDisagree.Verdict);
        Assert.Equal("a is more accurate than b by 2.00 pp (95% CI over seeds 1.00 to 3.00, test items 0.40 to 3.60; Bonferroni-adjusted for 12 comparisons)", both.Verdict);
    }

    [Fact]
    public void The_family_leaves_out_comparisons_whose_poolings_were_not_run_and_adjusts_for_the_rest()
    {
        RunScore[] runs = [.. new[] { "dot-self-unmasked", "han-unmasked", "mean" }.SelectMany(p => new[] { 1, 2, 3 }.Select(s => new RunScore("x", p, s, 0.5 + 0.01 * s + (p == "mean" ? 0.02 : 0), 0)))];

        var family = Statistics.Family(runs, ComparisonPlan.Family(["x"]));

        Assert.Equal([("dot-self-unmasked", "han-unmasked"), ("dot-self-unmasked", "mean"), ("han-unmasked", "mean")], family.Select(c => (c.A, c.B)));
        Assert.All(family, c => Assert.Equal(3, c.Family));
    }

    [Fact]
    public void The_learning_rate_with_the_best_mean_validation_accuracy_wins_and_ties_go_to_the_smaller()
    {
        RunResult Run(string pooling, double rate, int seed, double validation) =>
            new("d", "", pooling, seed, new TrainingHistory([new EpochRecord(1, 1, 1, validation, validation, 0)], 1, true), new Evaluation(new long[,] { { 1 } }, 0),
                null, 1, 0, null) { LearningRate = rate };
        RunResult[] runs =
        [
            Run("han", 1e-3, 101, 0.80), Run("han", 2e-3, 101, 0.85), Run("han", 5e-3, 101, 0.84),
            Run("sum", 1e-3, 101, 0.70), Run("sum", 2e-3, 101, 0.70), Run("sum", 5e-3, 101, 0.60),
        ];

        var choices = LearningRateSearch.Choose(runs);
        var rates = LearningRateSearch.AsGridRates(choices);

        Assert.Equal(2e-3, choices.Single(c => c.Pooling == "han").Chosen);
        Assert.Equal(1e-3, choices.Single(c => c.Pooling == "sum").Chosen);
        Assert.Equal([1e-3], rates("d", "sum"));
        Assert.Contains("no learning rate was chosen for mean on d", Assert.Throws<KeyNotFoundException>(() => rates("d", "mean")).Message);
    }

    [Fact]
    public void Matrix_statistics_of_the_uniform_and_identity_matrices_are_their_reference_points()
    {
        var uniform = new float[4, 4];
        var identity = new float[4, 4];
        for (var i = 0; i < 4; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                uniform[i, j] = 0.25f;
                identity[i, j] = i == j ? 1 : 0;
            }
        }

        var u = AttentionStatistics.Of([uniform]);
        var d = AttentionStatistics.Of([identity]);

        Assert.Equal((1.0, 0.25, 0.0, 0.25), (Math.Round(u.RowEntropy, 6), Math.Round(u.DiagonalMass, 6), Math.Round(u.ColumnSumCv, 6), u.UniformShare));
        Assert.Equal((0.0, 1.0, 0.0), (d.RowEntropy, d.DiagonalMass, d.ColumnSumCv));
    }

    [Fact]
    public void Matrix_statistics_of_a_two_token_example_match_the_hand_computation()
    {
        // Both rows put 0.75 on token 1 and 0.25 on token 2: column sums 1.5 and 0.5 (mean 1, population std 0.5, CV 0.5);
        // diagonal (0.75 + 0.25) / 2 = 0.5; row entropy −(0.75 ln 0.75 + 0.25 ln 0.25) = 0.5623, ÷ ln 2 = 0.8113.
        var a = new float[,] { { 0.75f, 0.25f }, { 0.75f, 0.25f } };
        var single = new float[,] { { 1f } };   // a one-token text is left out

        var statistics = AttentionStatistics.Of([a, single]);

        Assert.Equal(0.8113, statistics.RowEntropy, 4);
        Assert.Equal(0.5, statistics.DiagonalMass, 6);
        Assert.Equal(0.5, statistics.ColumnSumCv, 6);
        Assert.Equal(1, statistics.Texts);
    }
}
