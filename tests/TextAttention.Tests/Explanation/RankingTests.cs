using TextAttention.Explanation;

namespace TextAttention.Tests.Explanation;

/// <summary>Kendall's τ-b, top-k overlap, evidence recall and average precision against values counted by hand, and chance against simulation.</summary>
public sealed class RankingTests
{
    [Fact]
    public void Kendall_tau_b_counts_concordant_and_discordant_pairs()
    {
        Assert.Equal(1.0, Ranking.KendallTau([1, 2, 3, 4], [10, 20, 30, 40]), 12);
        Assert.Equal(-1.0, Ranking.KendallTau([1, 2, 3, 4], [4, 3, 2, 1]), 12);
        // Pairs (1,2) and (1,3) agree, (2,3) disagrees: (2 − 1) / 3.
        Assert.Equal(1.0 / 3, Ranking.KendallTau([1, 2, 3], [1, 3, 2]), 12);
        // One pair tied in the first scoring only: 2 concordant, τ-b = 2 / √(3 × 2) (scipy.stats.kendalltau gives 0.8165).
        Assert.Equal(2 / Math.Sqrt(6), Ranking.KendallTau([1, 1, 2], [1, 2, 3]), 12);
        Assert.True(double.IsNaN(Ranking.KendallTau([0.25, 0.25, 0.25, 0.25], [1, 2, 3, 4])), "a constant scoring ranks nothing");
        Assert.True(double.IsNaN(Ranking.KendallTau([1], [1])));
        Assert.Throws<ArgumentException>(() => Ranking.KendallTau([1, 2], [1, 2, 3]));
    }

    [Fact]
    public void Evidence_recall_is_whether_the_evidence_fills_the_top_places()
    {
        double[] scores = [0.1, 0.5, 0.4, 0.5];
        Assert.Equal([1, 3, 2], Ranking.Top(scores, 3));   // the tie goes to the earlier position
        Assert.Equal(1.0, Ranking.EvidenceRecall(scores, [1]));
        Assert.Equal(0.0, Ranking.EvidenceRecall(scores, [2]));
        Assert.Equal(0.5, Ranking.EvidenceRecall(scores, [1, 0]));
        Assert.Equal(1.0, Ranking.EvidenceRecall(scores, [2], k: 3));
        Assert.Equal(0.0, Ranking.EvidenceRecall(scores, [0], k: 3));
        Assert.Equal(0.25, Ranking.ChanceRecall(4, 1));
        Assert.Equal(0.75, Ranking.ChanceRecall(4, 3));
        Assert.Equal(1.0, Ranking.ChanceRecall(2, 3));
        var random = Ranking.RandomScores(6, new Random(1));
        Assert.Equal([0.0, 1, 2, 3, 4, 5], random.Order());
        Assert.Equal(random, Ranking.RandomScores(6, new Random(1)));
    }

    [Fact]
    public void Top_k_overlap_is_the_share_of_one_rankings_top_k_in_the_others()
    {
        double[] a = [0.9, 0.1, 0.5, 0.3];   // top: 0, 2, 3, 1
        double[] b = [0.2, 0.8, 0.6, 0.1];   // top: 1, 2, 0, 3
        Assert.Equal(0.0, Ranking.TopKOverlap(a, b, 1));
        Assert.Equal(0.5, Ranking.TopKOverlap(a, b, 2));   // {0, 2} and {1, 2} share 2
        Assert.Equal(2.0 / 3, Ranking.TopKOverlap(a, b, 3), 12);   // {0, 2, 3} and {1, 2, 0} share 0 and 2
        Assert.Equal(1.0, Ranking.TopKOverlap(a, b, 10));   // k beyond the text: the whole text
        Assert.Throws<ArgumentException>(() => Ranking.TopKOverlap(a, [1, 2], 1));
    }

    [Fact]
    public void Average_precision_is_the_mean_precision_down_to_each_marked_token()
    {
        // Ranking 2, 0, 3, 1; marked {0, 1}: found at ranks 2 and 4, precisions 1/2 and 2/4, so AP = (0.5 + 0.5) / 2.
        Assert.Equal(0.5, Ranking.AveragePrecision([0.8, 0.1, 0.9, 0.3], [0, 1]), 12);
        Assert.Equal(1.0, Ranking.AveragePrecision([0.8, 0.7, 0.1], [0, 1]), 12);
        // One marked token at rank 3: 1/3.
        Assert.Equal(1.0 / 3, Ranking.AveragePrecision([0.5, 0.9, 0.1, 0.7], [0]), 12);
        Assert.True(double.IsNaN(Ranking.AveragePrecision([0.5, 0.9], [])));
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(10, 3)]
    [InlineData(25, 7)]
    [InlineData(4, 4)]
    public void The_chance_average_precision_is_what_random_rankings_average(int length, int marked)
    {
        var random = new Random(7);
        var positions = Enumerable.Range(0, marked).ToArray();
        var simulated = Enumerable.Range(0, 40_000).Average(_ => Ranking.AveragePrecision(Ranking.RandomScores(length, random), positions));

        Assert.Equal(simulated, Ranking.ChanceAveragePrecision(length, marked), 2);
    }
}
