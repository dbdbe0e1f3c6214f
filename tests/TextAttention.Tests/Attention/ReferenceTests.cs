using TextAttention.Attention;
using TorchSharp;
using static TextAttention.Tests.Attention.Tensors;
using static TorchSharp.torch;

namespace TextAttention.Tests.Attention;

/// <summary>The poolings against TorchSharp's own operations and against each other.</summary>
public sealed class ReferenceTests
{
    [Fact]
    public void Dot_product_weights_equal_scaled_dot_product_attention()
    {
        // With the identity as values, scaled_dot_product_attention returns its attention matrix itself.
        var x = Random(1, 2, 5, 4);                                   // (B, T, D)
        var identity = eye(5, dtype: ScalarType.Float64).expand(2, 5, 5);
        var reference = nn.functional.scaled_dot_product_attention(x, x, identity, null, 0.0, false);

        var output = new DotProductSelfAttention(4, masked: false).forward(x, null);

        Close(reference, output.Matrix!, 1e-12);
    }

    [Fact]
    public void Masked_dot_product_weights_equal_scaled_dot_product_attention_with_a_key_mask()
    {
        var x = Random(2, 2, 5, 4);
        var mask = Masking.FromLengths(tensor(new long[] { 5, 3 }), 5);                   // (B, T)
        var identity = eye(5, dtype: ScalarType.Float64).expand(2, 5, 5);
        var keys = mask.unsqueeze(1).expand(2, 5, 5);                                      // bool: true takes part
        var reference = nn.functional.scaled_dot_product_attention(x, x, identity, keys, 0.0, false)
            * mask.unsqueeze(2);                                                           // drop padded queries' rows

        var output = new DotProductSelfAttention(4).forward(x, mask);

        Close(reference, output.Matrix!, 1e-12);
    }

    [Fact]
    public void The_sum_over_queries_equals_the_column_sum_weighted_values_and_column_sums_total_T()
    {
        var x = Random(3, 3, 6, 4);
        var output = new DotProductSelfAttention(4, masked: false).forward(x, null);
        var A = output.Matrix!;

        var summed = matmul(A, x).sum(1);                                                  // (A·x).sum(1)
        var viaColumns = (A.sum(1).unsqueeze(-1) * x).sum(1);                              // Σ_j (Σ_i A_ij) x_j

        Close(summed, viaColumns, 1e-12);
        Close(summed, output.Context, 1e-12);
        Close([6, 6, 6], output.Weights.sum(1), 1e-12);
    }

    [Fact]
    public void Identity_multi_head_pooling_with_one_head_is_dot_product_self_attention_averaged()
    {
        var x = Random(4, 2, 5, 4);
        var mask = Masking.FromLengths(tensor(new long[] { 5, 2 }), 5);
        var mhsa = new MultiHeadSelfAttentionPooling(4, heads: 1);
        HandComputedTests.IdentityProjections(mhsa);

        var expected = new DotProductSelfAttention(4, QueryReduction.Mean).forward(x, mask);
        var actual = mhsa.forward(x, mask);

        Close(expected.Context, actual.Context, 1e-12);
        Close(expected.Weights, actual.Weights, 1e-12);
        Close(expected.Matrix!, actual.Matrix!, 1e-12);
    }

    [Fact]
    public void Multi_head_context_agrees_with_its_own_weights()
    {
        // The context comes from scaled_dot_product_attention, the weights from an explicit softmax:
        // before W_O, Σ_j w_j V_j must equal the mean over real queries of the fused attention output.
        var x = Random(5, 1, 4, 4);
        var mhsa = new MultiHeadSelfAttentionPooling(4, heads: 1);
        mhsa.to(ScalarType.Float64);
        using (no_grad())
        {
            foreach (var (name, parameter) in mhsa.named_parameters().Where(p => p.name.StartsWith("W_O")))
            {
                if (name.EndsWith("weight")) parameter.copy_(eye(4, dtype: ScalarType.Float64)); else parameter.zero_();
            }
        }

        var output = mhsa.forward(x, null);
        var parameters = mhsa.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var v = nn.functional.linear(x, parameters["W_V.weight"], parameters["W_V.bias"]);   // (B, T, D)

        Close((output.Weights.unsqueeze(-1) * v).sum(1), output.Context, 1e-12);
    }
}
