namespace TextAttention.Explanation;

/// <summary>
/// How two rankings of a text's tokens agree, and where a ranking puts the tokens that decide the label (known evidence,
/// or the phrase a person marked).
/// </summary>
public static class Ranking
{
    /// <summary>
    /// Kendall's τ-b between two scorings of the same tokens: (concordant − discordant pairs) divided by the
    /// geometric mean of the pairs not tied in each, so ties (for example the equal weights of mean pooling) neither
    /// count for nor against. 1 for the same order, −1 for the reversed one; NaN when either scoring is constant or
    /// there are fewer than two tokens.
    /// </summary>
    public static double KendallTau(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"the scorings rank {a.Count} and {b.Count} tokens; they must rank the same ones.");
        }

        long concordant = 0, discordant = 0, tiedA = 0, tiedB = 0;
        for (var i = 0; i < a.Count; i++)
        {
            for (var j = i + 1; j < a.Count; j++)
            {
                var sa = Math.Sign(a[i] - a[j]);
                var sb = Math.Sign(b[i] - b[j]);
                if (sa == 0 && sb == 0)
                {
                    continue;
                }

                if (sa == 0)
                {
                    tiedA++;
                }
                else if (sb == 0)
                {
                    tiedB++;
                }
                else if (sa == sb)
                {
                    concordant++;
                }
                else
                {
                    discordant++;
                }
            }
        }

        var denominator = Math.Sqrt((double)(concordant + discordant + tiedA) * (concordant + discordant + tiedB));
        return denominator == 0 ? double.NaN : (concordant - discordant) / denominator;
    }

    /// <summary>The positions of the <paramref name="k"/> highest scores, highest first; equal scores go to the earlier position.</summary>
    public static int[] Top(IReadOnlyList<double> scores, int k) =>
        Enumerable.Range(0, scores.Count).OrderByDescending(t => scores[t]).ThenBy(t => t).Take(k).ToArray();

    /// <summary>
    /// The share of <paramref name="evidence"/> positions among the top <paramref name="k"/> positions of
    /// <paramref name="scores"/> (k = |evidence| when not given); with one evidence token and k = 1, whether it ranks first.
    /// </summary>
    public static double EvidenceRecall(IReadOnlyList<double> scores, IReadOnlyCollection<int> evidence, int? k = null) =>
        evidence.Count == 0 ? double.NaN : (double)Top(scores, k ?? evidence.Count).Count(evidence.Contains) / evidence.Count;

    /// <summary>What <see cref="EvidenceRecall"/> gives in expectation for a random order of <paramref name="length"/> tokens: k / L, at most 1.</summary>
    public static double ChanceRecall(int length, int k) => length == 0 ? double.NaN : Math.Min(1.0, (double)k / length);

    /// <summary>Scores that rank a text's tokens at random: a permutation drawn from <paramref name="random"/>.</summary>
    public static double[] RandomScores(int length, Random random)
    {
        var scores = Enumerable.Range(0, length).Select(t => (double)t).ToArray();
        random.Shuffle(scores);
        return scores;
    }

    /// <summary>
    /// The share of the top <paramref name="k"/> positions of <paramref name="a"/> that are also among the top k of
    /// <paramref name="b"/> (k capped at the text's length): 1 when the two agree on what matters most, k/L in expectation
    /// for unrelated rankings.
    /// </summary>
    public static double TopKOverlap(IReadOnlyList<double> a, IReadOnlyList<double> b, int k)
    {
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"the scorings rank {a.Count} and {b.Count} tokens; they must rank the same ones.");
        }

        var size = Math.Min(k, a.Count);
        return size == 0 ? double.NaN : (double)Top(a, size).Intersect(Top(b, size)).Count() / size;
    }

    /// <summary>
    /// The average precision of <paramref name="scores"/> at finding <paramref name="marked"/> positions: the mean, over
    /// the marked tokens, of the precision of the ranking down to each of them (ties broken by position). 1 when every
    /// marked token outranks every other; about |marked| / L for a random ranking.
    /// </summary>
    public static double AveragePrecision(IReadOnlyList<double> scores, IReadOnlyCollection<int> marked)
    {
        if (marked.Count == 0)
        {
            return double.NaN;
        }

        var order = Top(scores, scores.Count);
        double total = 0;
        var found = 0;
        for (var rank = 0; rank < order.Length; rank++)
        {
            if (marked.Contains(order[rank]))
            {
                found++;
                total += (double)found / (rank + 1);
            }
        }

        return total / marked.Count;
    }

    /// <summary>
    /// The expected <see cref="AveragePrecision"/> of a uniformly random ranking of L = <paramref name="length"/> tokens with
    /// R = <paramref name="marked"/> of them marked: E[AP] = q + (1 − q)·H_L / L with q = (R − 1)/(L − 1) and H_L the L-th
    /// harmonic number (each rank holds a marked token with probability R/L, and given that, the ranks above it hold
    /// (r − 1)·q more on average).
    /// </summary>
    public static double ChanceAveragePrecision(int length, int marked)
    {
        if (marked <= 0 || length <= 0 || marked > length)
        {
            return double.NaN;
        }

        if (length == 1)
        {
            return 1;
        }

        var harmonic = Enumerable.Range(1, length).Sum(r => 1.0 / r);
        var q = (marked - 1.0) / (length - 1.0);
        return q + (1 - q) * harmonic / length;
    }
}
