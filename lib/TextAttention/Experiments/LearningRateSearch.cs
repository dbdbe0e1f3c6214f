namespace TextAttention.Experiments;

/// <summary>The learning rate chosen for one pooling on one corpus, with the validation accuracy behind each candidate.</summary>
/// <param name="Validation">Candidate rate → mean over the tuning seeds of the best validation accuracy.</param>
public sealed record LearningRateChoice(string Dataset, string Pooling, double Chosen, IReadOnlyDictionary<double, double> Validation);

/// <summary>
/// Picks each pooling's learning rate per corpus from a search grid: the candidate whose runs reached the highest
/// best-epoch validation accuracy, averaged over the tuning seeds (which are not the reported seeds); ties go to the
/// smaller rate. Test data play no part.
/// </summary>
public static class LearningRateSearch
{
    public static List<LearningRateChoice> Choose(IEnumerable<RunResult> tuningRuns) =>
        tuningRuns.GroupBy(r => (r.Dataset, r.Pooling))
            .Select(g =>
            {
                var validation = g.GroupBy(r => r.LearningRate)
                    .OrderBy(r => r.Key)
                    .ToDictionary(r => r.Key, r => r.Average(run => run.History.Best.ValidationAccuracy));
                var best = validation.OrderByDescending(v => v.Value).ThenBy(v => v.Key).First().Key;
                return new LearningRateChoice(g.Key.Dataset, g.Key.Pooling, best, validation);
            })
            .ToList();

    /// <summary>The chosen rates as the grid's <see cref="ExperimentGrid.LearningRates"/> function.</summary>
    /// <exception cref="KeyNotFoundException">A (dataset, pooling) was not searched; the message names it.</exception>
    public static Func<string, string, IReadOnlyList<double>> AsGridRates(IEnumerable<LearningRateChoice> choices)
    {
        var map = choices.ToDictionary(c => (c.Dataset, c.Pooling), c => c.Chosen);
        return (dataset, pooling) => map.TryGetValue((dataset, pooling), out var rate)
            ? [rate]
            : throw new KeyNotFoundException($"no learning rate was chosen for {pooling} on {dataset}; run the search for it first.");
    }
}
