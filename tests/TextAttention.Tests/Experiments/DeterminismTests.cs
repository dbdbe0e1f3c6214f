using Microsoft.Data.Analysis;
using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.Platform;

namespace TextAttention.Tests.Experiments;

/// <summary>
/// The CI profile of notebook 05's experiment, run twice in one process, gives the same metrics to
/// the last digit: every accuracy, macro-F1, loss and evidence mass of every run and epoch.
/// Real corpora take part when the data folder (TEXTATTENTION_DATA) has them, as in CI.
/// </summary>
[Collection("training")]
public sealed class DeterminismTests
{
    private static string Csv(DataFrame frame)
    {
        using var stream = new MemoryStream();
        DataFrame.SaveCsv(frame, stream, cultureInfo: System.Globalization.CultureInfo.InvariantCulture);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static List<Corpus> AvailableCorpora(ComparisonPlan plan)
    {
        var corpora = new List<Corpus>();
        foreach (var name in Corpora.Names)
        {
            try
            {
                corpora.Add(plan.Subset(Corpora.Load(name, new CorpusOptions(AllowDownload: false))));
            }
            catch (CorpusUnavailableException)
            {
                // Offline without the corpus: the synthetic one (always there) still makes the point.
            }
        }

        return corpora;
    }

    [Fact]
    public void The_ci_comparison_run_twice_gives_identical_metrics()
    {
        var plan = ComparisonPlan.Ci;
        var corpora = AvailableCorpora(plan);

        var first = plan.Run(corpora);
        var second = plan.Run(corpora);

        Assert.Equal(corpora.Count * plan.Poolings.Count * plan.Seeds.Count, first.Count);
        Assert.Equal(Csv(Results.Runs(first)), Csv(Results.Runs(second)));
        Assert.Equal(Csv(Results.History(first)), Csv(Results.History(second)));
        // The comparison is not vacuous: the two seeds of one pooling trained different models.
        var synthetic = first.Where(r => r.Dataset == Corpora.Synthetic && r.Pooling == plan.Poolings[0]).ToList();
        Assert.NotEqual(synthetic[0].History.Epochs[0].TrainLoss, synthetic[1].History.Epochs[0].TrainLoss);
    }

    [Fact]
    public void The_published_plan_names_only_known_poolings_and_pairs_the_blog_posts_two_forms()
    {
        foreach (var plan in new[] { ComparisonPlan.Ci, ComparisonPlan.For(Profile.Full) })
        {
            Assert.All(plan.Poolings, p => Assert.Contains(p, TextAttention.Attention.Poolings.Names));
            Assert.Contains("dot-self-unmasked", plan.Poolings);
            Assert.Contains("han-unmasked", plan.Poolings);
            Assert.True(plan.Seeds.Count >= 2, "a paired comparison needs two seeds at least");
        }

        Assert.Same(ComparisonPlan.Full, ComparisonPlan.For(Profile.Full));
        Assert.Same(ComparisonPlan.Ci, ComparisonPlan.For(Profile.Ci));
    }

    [Fact]
    public void A_plan_with_an_unknown_pooling_is_refused_before_any_training()
    {
        var plan = ComparisonPlan.Ci with { Poolings = ["han", "attention-3"] };

        var error = Assert.Throws<ArgumentException>(() => plan.Run([Corpora.Load(Corpora.Synthetic)]));

        Assert.Contains("not a pooling: attention-3", error.Message);
    }
}
