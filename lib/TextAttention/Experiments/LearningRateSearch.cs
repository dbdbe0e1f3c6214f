namespace TextAttention.Experiments;

/// <summary>How one candidate rate did in the search: means over the tuning seeds of the best epoch's validation figures.</summary>
public sealed record RateScore(double Accuracy, double Loss, int Seeds);

/// <summary>The learning rate chosen for one pooling on one corpus, with the validation figures behind each candidate.</summary>
/// <param name="Chosen">The best rate by <see cref="LearningRateSearch"/>'s rule.</param>
/// <param name="SecondBest">The next rate by the same rule; null when only one was tried.</param>
/// <param name="Validation">Every rate tried → its scores.</param>
/// <param name="AtEdge">Whether the chosen rate is the smallest or largest tried (the search extends until it is not, or the ladder ends).</param>
public sealed record LearningRateChoice(string Dataset, string Pooling, double Chosen, double? SecondBest, IReadOnlyDictionary<double, RateScore> Validation, bool AtEdge);

/// <summary>
/// Picks each pooling's learning rate per corpus from a search: the rate whose runs reached the highest best-epoch
/// validation accuracy, averaged over the tuning seeds (which are never reported). Ties, exact to the last digit (common
/// when several rates reach a noise ceiling), go to the lower mean validation loss at those best epochs, and remaining
/// ties to the smaller rate. Test data play no part.
/// </summary>
public static class LearningRateSearch
{
    /// <summary>Every candidate rate, best first, by the rule above.</summary>
    public static List<double> Rank(IReadOnlyDictionary<double, RateScore> scores) =>
        scores.OrderByDescending(s => s.Value.Accuracy).ThenBy(s => s.Value.Loss).ThenBy(s => s.Key).Select(s => s.Key).ToList();

    /// <summary>The choice for every (corpus, pooling) the tuning runs cover, in the order they first appear.</summary>
    public static List<LearningRateChoice> Choose(IEnumerable<RunResult> tuningRuns) =>
        tuningRuns.GroupBy(r => (r.Dataset, r.Pooling))
            .Select(g =>
            {
                var scores = g.GroupBy(r => r.LearningRate)
                    .OrderBy(r => r.Key)
                    .ToDictionary(r => r.Key, r => new RateScore(r.Average(run => run.History.Best.ValidationAccuracy), r.Average(run => run.History.Best.ValidationLoss), r.Count()));
                var ranked = Rank(scores);
                var best = ranked[0];
                return new LearningRateChoice(g.Key.Dataset, g.Key.Pooling, best, ranked.Count > 1 ? ranked[1] : null, scores,
                    AtEdge: scores.Count > 1 && (best == scores.Keys.Min() || best == scores.Keys.Max()));
            })
            .ToList();

    /// <summary>
    /// The rate to try next for a choice whose winner sits at an edge of what was tried: the next step of
    /// <paramref name="ladder"/> beyond that edge; null when the winner is inside the range or the ladder ends there.
    /// </summary>
    public static double? Extension(LearningRateChoice choice, IReadOnlyList<double> ladder)
    {
        if (!choice.AtEdge)
        {
            return null;
        }

        var tried = choice.Validation.Keys;
        return choice.Chosen == tried.Max()
            ? ladder.Where(r => r > choice.Chosen).Cast<double?>().FirstOrDefault()
            : ladder.Where(r => r < choice.Chosen).Cast<double?>().LastOrDefault();
    }
}
