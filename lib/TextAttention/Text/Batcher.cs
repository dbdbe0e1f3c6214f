using static TorchSharp.torch;

namespace TextAttention.Text;

/// <summary>
/// Encodes and batches a split deterministically: the same seed gives the same batches in the same
/// order. Counts the share of real tokens among all processed positions.
/// </summary>
public sealed class Batcher
{
    private readonly IReadOnlyList<EncodedExample> _examples;
    private readonly BatchOptions _options;

    public Batcher(IReadOnlyList<EncodedExample> examples, BatchOptions options)
    {
        if (options.BatchSize < 1 || options.PoolBatches < 1 || options.MaxLength < 1)
        {
            throw new ArgumentException($"batch size, pool size and maximum length must be positive; got {options}.", nameof(options));
        }

        _examples = examples;
        _options = options;
    }

    /// <summary>Tokenises, encodes and truncates texts; an empty result keeps one <c>&lt;unk&gt;</c> so no sequence has length 0.</summary>
    public static List<EncodedExample> Encode(IEnumerable<(string Text, int Label)> examples, ITokenizer tokenizer, Vocabulary vocabulary, int maxLength) =>
        examples.Select((e, i) =>
        {
            var ids = vocabulary.Encode(tokenizer.Tokenize(e.Text));
            if (ids.Length == 0)
            {
                ids = [Vocabulary.UnknownId];
            }

            return new EncodedExample(ids.Length > maxLength ? ids[..maxLength] : ids, e.Label, i);
        }).ToList();

    /// <summary>How many batches one epoch has.</summary>
    public int BatchCount =>
        _options.Bucketing
            ? _examples.Chunk(_options.BatchSize * _options.PoolBatches).Sum(pool => (pool.Length + _options.BatchSize - 1) / _options.BatchSize)
            : (_examples.Count + _options.BatchSize - 1) / _options.BatchSize;

    /// <summary>How many examples the split has.</summary>
    public int Count => _examples.Count;

    /// <summary>Real tokens ÷ processed positions over the batches produced so far.</summary>
    public double RealTokenShare => _positions == 0 ? 0 : (double)_realTokens / _positions;

    private long _realTokens;
    private long _positions;

    /// <summary>
    /// The batches of one epoch. With <paramref name="shuffle"/>, the order depends only on
    /// <paramref name="seed"/>; without it, examples keep their order (for evaluation).
    /// </summary>
    public IEnumerable<Batch> Batches(bool shuffle, int seed = 0)
    {
        var order = Enumerable.Range(0, _examples.Count).ToArray();
        var random = new Random(seed);
        if (shuffle)
        {
            random.Shuffle(order);
        }

        var groups = new List<int[]>();
        if (_options.Bucketing)
        {
            var pool = _options.BatchSize * _options.PoolBatches;
            foreach (var chunk in order.Chunk(pool))
            {
                // A stable sort: equal lengths keep their shuffled order.
                var sorted = chunk.OrderBy(i => Math.Min(_examples[i].Ids.Length, _options.MaxLength)).ToArray();
                groups.AddRange(sorted.Chunk(_options.BatchSize));
            }

            if (shuffle)
            {
                var shuffled = groups.ToArray();
                random.Shuffle(shuffled);
                groups = [.. shuffled];
            }
        }
        else
        {
            groups.AddRange(order.Chunk(_options.BatchSize));
        }

        foreach (var group in groups)
        {
            yield return Make(group);
        }
    }

    private Batch Make(int[] group)
    {
        var lengths = group.Select(i => (long)Math.Min(_examples[i].Ids.Length, _options.MaxLength)).ToArray();
        var T = _options.Bucketing ? lengths.Max() : _options.MaxLength;
        var ids = new long[group.Length * T];
        for (var b = 0; b < group.Length; b++)
        {
            Array.Copy(_examples[group[b]].Ids, 0, ids, b * T, lengths[b]);
        }

        _realTokens += lengths.Sum();
        _positions += group.Length * T;
        return new Batch(
            tensor(ids).reshape(group.Length, T),                                  // (B, T)
            tensor(lengths),                                                       // (B)
            tensor(group.Select(i => _examples[i].Label).ToArray()),               // (B)
            group.Select(i => _examples[i].Index).ToArray());
    }
}
