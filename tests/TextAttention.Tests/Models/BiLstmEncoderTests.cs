using TextAttention.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextAttention.Tests.Models;

/// <summary>
/// The unpacked encoder against TorchSharp's own packed bidirectional LSTM with the same weights: the same
/// outputs and the same gradients, on batches with and without padding.
/// </summary>
[Collection("training")]
public sealed class BiLstmEncoderTests
{
    private const long E = 5, H = 4;

    /// <summary>The encoder and a bidirectional nn.LSTM holding its weights (the reverse direction's as <c>_reverse</c>).</summary>
    private static (BiLstmEncoder Encoder, TorchSharp.Modules.LSTM Reference) Pair(int seed)
    {
        manual_seed(seed);
        var encoder = new BiLstmEncoder(E, H);
        var reference = nn.LSTM(E, H, bidirectional: true, batchFirst: true);
        var (forwards, backwards) = encoder.Directions;
        using (no_grad())
        {
            var weights = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, parameter) in forwards.named_parameters())
            {
                weights[name].copy_(parameter);
            }

            foreach (var (name, parameter) in backwards.named_parameters())
            {
                weights[name + "_reverse"].copy_(parameter);
            }
        }

        return (encoder, reference);
    }

    private static Tensor Packed(TorchSharp.Modules.LSTM lstm, Tensor x, Tensor lengths)
    {
        var packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first: true, enforce_sorted: false);
        var (y, _, _) = lstm.call(packed, null);
        return nn.utils.rnn.pad_packed_sequence(y, batch_first: true, total_length: x.shape[1]).Item1;
    }

    [Theory]
    [InlineData(new long[] { 6, 2, 4, 1, 6 })]
    [InlineData(new long[] { 3, 3, 3 })]
    [InlineData(new long[] { 1 })]
    public void Outputs_and_gradients_equal_a_packed_bidirectional_lstm(long[] lengths)
    {
        var (encoder, reference) = Pair(seed: 7);
        var T = lengths.Max();
        var x = randn(lengths.Length, T, E, generator: new Generator(3)).requires_grad_(true);
        var lengthTensor = tensor(lengths);
        var weights = randn(lengths.Length, T, 2 * H, generator: new Generator(4));   // a loss that weighs every output

        var y = encoder.forward(x, lengthTensor);
        (y * weights).sum().backward();
        var gradient = x.grad!.clone();
        x.grad!.zero_();
        var expected = Packed(reference, x, lengthTensor);
        (expected * weights).sum().backward();

        Assert.Equal(new long[] { lengths.Length, T, 2 * H }, y.shape);
        Assert.True(allclose(y, expected, rtol: 1e-5, atol: 1e-6), $"largest difference {(y - expected).abs().max().item<float>()}");
        Assert.True(allclose(gradient, x.grad!, rtol: 1e-4, atol: 1e-6), $"largest gradient difference {(gradient - x.grad!).abs().max().item<float>()}");
        var (forwards, _) = encoder.Directions;
        Assert.True(allclose(forwards.named_parameters().First().parameter.grad!, reference.named_parameters().First().parameter.grad!, rtol: 1e-4, atol: 1e-6));
    }

    [Fact]
    public void Padded_positions_are_zero_and_padding_values_change_nothing()
    {
        var (encoder, _) = Pair(seed: 2);
        var lengths = tensor(new long[] { 4, 2 });
        var x = randn(2, 4, E, generator: new Generator(5));
        var other = x.clone();
        using (no_grad())
        {
            other[1, 2..] = randn(2, E, generator: new Generator(6)) * 100;   // different padding in sequence 2
        }

        var y = encoder.forward(x, lengths);
        var z = encoder.forward(other, lengths);

        Assert.Equal(0f, y[1, 2..].abs().sum().item<float>());
        Assert.True(y.equal(z).all().item<bool>(), "the padding's values leaked into the outputs");
    }

    [Fact]
    public void The_packed_reference_switch_gives_the_same_outputs()
    {
        var (encoder, _) = Pair(seed: 9);
        var lengths = tensor(new long[] { 5, 3, 1 });
        var x = randn(3, 5, E, generator: new Generator(8));

        var unpacked = encoder.forward(x, lengths);
        encoder.Packed = true;
        var packed = encoder.forward(x, lengths);

        Assert.True(allclose(unpacked, packed, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void The_reversal_index_reverses_within_each_length_and_is_its_own_inverse()
    {
        var index = BiLstmEncoder.ReversalIndex(tensor(new long[] { 3, 1, 4 }), 4);

        Assert.Equal(new long[] { 2, 1, 0, 3, 0, 1, 2, 3, 3, 2, 1, 0 }, index.data<long>().ToArray());
        Assert.Equal(arange(4).expand(3, 4).data<long>().ToArray(), index.gather(1, index).data<long>().ToArray());
    }
}
