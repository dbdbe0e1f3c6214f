using TextAttention.Data;
using TextAttention.Experiments;

namespace TextAttention.Tests.Experiments;

/// <summary>
/// The CI profile of notebook 05's experiment, run twice in one process, gives the same metrics to
/// the last digit: every accuracy, macro-F1, loss and evidence mass of every run and epoch.
/// Real corpora take part when the data folder (TEXTATTENTION_DATA) has them, as in CI.
/// </summary>
[Collection("training")]
public sealed class DeterminismTests
{
    private static List<Corpus> AvailableCorpora(ComparisonPlan plan)
    {
        var corpora = new List<Corpus>();
        foreach (var name in Corpora.Names)
        {
            try
            {
                corpora.Add(plan.Subset(Corpora.Load(name, new CorpusOptions(Repository.DataFolder, AllowDownload: false))));
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
        // Records compare every field exactly: each accuracy, macro-F1, loss and evidence mass to the last bit.
        Assert.Equal(Results.Runs(first), Results.Runs(second));
        Assert.Equal(Results.Epochs(first), Results.Epochs(second));
        // The comparison is not vacuous: the two seeds of one pooling trained different models.
        var synthetic = first.Where(r => r.Dataset == Corpora.Synthetic && r.Pooling == plan.Poolings[0]).ToList();
        Assert.NotEqual(synthetic[0].History.Epochs[0].TrainLoss, synthetic[1].History.Epochs[0].TrainLoss);
    }

    [Fact]
    public void The_published_plan_names_only_known_poolings_and_pairs_the_blog_posts_two_forms()
    {
        foreach (var plan in new[] { ComparisonPlan.Ci, ComparisonPlan.Full })
        {
            Assert.All(plan.Poolings, p => Assert.Contains(p, TextAttention.Attention.Poolings.Names));
            Assert.Contains(TextAttention.Attention.Poolings.BlogPost.Attention1, plan.Poolings);
            Assert.Contains(TextAttention.Attention.Poolings.BlogPost.Attention2, plan.Poolings);
            Assert.True(plan.Seeds.Count >= 2, "a paired comparison needs two seeds at least");
        }

    }

    [Fact]
    public void A_plan_with_an_unknown_pooling_is_refused_before_any_training()
    {
        var plan = ComparisonPlan.Ci with { Poolings = ["han", "attention-3"] };

        var error = Assert.Throws<ArgumentException>(() => plan.Run([Corpora.Load(Corpora.Synthetic)]));

        Assert.Contains("not a pooling: attention-3", error.Message);
    }
}
