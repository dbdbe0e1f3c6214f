namespace TextAttention.Data;

/// <summary>
/// Representative samples of a split. Split files may be stored in class order (THUCNews's test.txt holds 1,000
/// headlines of each class in turn), so an analysis never reads "the first N" of a split: it draws a seeded sample
/// stratified by class instead.
/// </summary>
public static class Samples
{
    /// <summary>
    /// The indices of <paramref name="count"/> examples of <paramref name="split"/> (all of them when it has fewer), drawn
    /// with <paramref name="seed"/> so that each class has its share (largest remainders, the larger classes first on
    /// ties), in ascending order. The same split, count and seed always give the same indices.
    /// </summary>
    public static int[] Stratified(IReadOnlyList<Example> split, int count, int seed = 2016)
    {
        if (count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "a sample has at least 0 examples.");
        }

        if (count >= split.Count)
        {
            return Enumerable.Range(0, split.Count).ToArray();
        }

        var classes = Enumerable.Range(0, split.Count).GroupBy(i => split[i].Label).OrderBy(g => g.Key).Select(g => g.ToArray()).ToList();
        var quotas = classes.Select(c => (double)count * c.Length / split.Count).ToArray();
        var take = quotas.Select(q => (int)Math.Floor(q)).ToArray();
        foreach (var k in Enumerable.Range(0, classes.Count).OrderByDescending(k => quotas[k] - take[k]).ThenByDescending(k => classes[k].Length).ThenBy(k => k)
                     .Take(count - take.Sum()))
        {
            take[k]++;
        }

        var random = new Random(seed);
        var chosen = new List<int>(count);
        for (var k = 0; k < classes.Count; k++)
        {
            var members = classes[k].ToArray();
            random.Shuffle(members);
            chosen.AddRange(members.Take(take[k]));
        }

        chosen.Sort();
        return [.. chosen];
    }
}
