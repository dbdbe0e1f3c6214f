using TextAttention.Explanation;

namespace TextAttention.Tests.Explanation;

/// <summary>Kendall's τ-b and the evidence recall against values counted by hand.</summary>
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
}
