using TextAttention.Text;

namespace TextAttention.Tests.Text;

public sealed class BatchingTests
{
    // Ten examples of lengths 1..10; token ids are 2 + position so padding (0) is recognisable.
    private static List<EncodedExample> Examples() =>
        Enumerable.Range(1, 10).Select(n => new EncodedExample(Enumerable.Range(2, n).Select(i => (long)i).ToArray(), n % 3, n - 1)).ToList();

    [Fact]
    public void Bucketed_batches_pad_only_to_their_own_longest_sequence()
    {
        var batcher = new Batcher(Examples(), new BatchOptions(BatchSize: 2, PoolBatches: 5, MaxLength: 64));

        var batches = batcher.Batches(shuffle: true, seed: 1).ToList();

        Assert.Equal(5, batches.Count);
        // One pool of 10 sorted by length: pairs (1,2), (3,4), ..., (9,10), each padded to its longer member.
        Assert.Equal([2L, 4, 6, 8, 10], batches.Select(b => b.Ids.shape[1]).Order());
        // Real tokens 55 of 2 * (2 + 4 + 6 + 8 + 10) = 60 positions.
        Assert.Equal(55.0 / 60, batcher.RealTokenShare, 12);
    }

    [Fact]
    public void Every_batch_carries_matching_ids_lengths_and_labels()
    {
        var examples = Examples();
        foreach (var batch in new Batcher(examples, new BatchOptions(BatchSize: 3)).Batches(shuffle: true, seed: 4))
        {
            var lengths = batch.Lengths.data<long>().ToArray();
            var ids = batch.Ids.data<long>().ToArray();
            var T = (int)batch.Ids.shape[1];
            for (var b = 0; b < batch.Indices.Length; b++)
            {
                var example = examples[batch.Indices[b]];
                Assert.Equal(example.Ids.Length, lengths[b]);
                Assert.Equal(example.Label, batch.Labels.data<long>()[b]);
                for (var t = 0; t < T; t++)
                {
                    Assert.Equal(t < lengths[b] ? example.Ids[t] : 0L, ids[b * T + t]);
                }
            }
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_batches_and_each_example_once()
    {
        var batcher = new Batcher(Examples(), new BatchOptions(BatchSize: 3, PoolBatches: 2));

        var first = batcher.Batches(shuffle: true, seed: 7).Select(b => b.Indices).ToList();
        var again = batcher.Batches(shuffle: true, seed: 7).Select(b => b.Indices).ToList();
        var other = batcher.Batches(shuffle: true, seed: 8).Select(b => b.Indices).ToList();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(Enumerable.Range(0, 10), first.SelectMany(i => i).Order());
    }

    [Fact]
    public void Without_bucketing_every_batch_is_padded_to_the_maximum_length()
    {
        var batcher = new Batcher(Examples(), new BatchOptions(BatchSize: 4, Bucketing: false, MaxLength: 12));

        var batches = batcher.Batches(shuffle: false).ToList();

        Assert.All(batches, b => Assert.Equal(12, b.Ids.shape[1]));
        Assert.Equal(55.0 / (10 * 12), batcher.RealTokenShare, 12);
        Assert.Equal([0, 1, 2, 3], batches[0].Indices);
    }

    [Fact]
    public void Encoding_truncates_and_never_yields_an_empty_sequence()
    {
        var vocabulary = Vocabulary.Build([["a", "b", "c"]]);
        var tokenizer = Tokenizers.Create("english-words");

        var encoded = Batcher.Encode([("a b c a b c", 0), ("", 1)], tokenizer, vocabulary, maxLength: 4);

        Assert.Equal(4, encoded[0].Ids.Length);
        Assert.Equal([Vocabulary.UnknownId], encoded[1].Ids);
    }
}
