using TextAttention.Attention;
using TorchSharp;
using static TextAttention.Tests.Attention.Tensors;
using static TorchSharp.torch;

namespace TextAttention.Tests.Attention;

/// <summary>
/// Every pooling on toy tensors small enough to check on paper. The expected numbers are written
/// out from the formulas (e ≈ 2.718281828), not taken from the code's output.
/// </summary>
public sealed class HandComputedTests
{
    // x = [[2, 0], [0, 1]]: T = 2 tokens of width d = 2, one sequence.
    private static Tensor Toy() => Of([2, 0, 0, 1], 1, 2, 2);

    [Fact]
    public void Dot_product_self_attention_sums_over_queries_like_attention_1()
    {
        // scores = x xᵀ / √2 = [[4/√2, 0], [0, 1/√2]] = [[2.828427, 0], [0, 0.707107]]
        // row 0: softmax(2.828427, 0) = (e^2.828427, 1) / (e^2.828427 + 1) = (16.91883, 1) / 17.91883
        // row 1: softmax(0, 0.707107) = (1, e^0.707107) / (1 + 2.028115)
        double a00 = 16.918828 / 17.918828, a01 = 1 / 17.918828, a10 = 1 / 3.028115, a11 = 2.028115 / 3.028115;
        // column sums c = (a00 + a10, a01 + a11), context = c_0 x_0 + c_1 x_1 = (2 c_0, c_1)
        double c0 = a00 + a10, c1 = a01 + a11;

        var output = new DotProductSelfAttention(2, QueryReduction.Sum, masked: false).forward(Toy(), null);

        Close([a00, a01, a10, a11], output.Matrix!, 1e-6);
        Close([c0, c1], output.Weights, 1e-6);
        Close([2 * c0, c1], output.Context, 1e-6);
        Assert.Equal(2.0, c0 + c1, 6);   // the column sums total T
    }

    [Fact]
    public void Dot_product_self_attention_mean_divides_by_the_length()
    {
        double c0 = 16.918828 / 17.918828 + 1 / 3.028115, c1 = 2 - c0;

        var output = new DotProductSelfAttention(2, QueryReduction.Mean).forward(Toy(), null);

        Close([c0 / 2, c1 / 2], output.Weights, 1e-6);
        Close([c0, c1 / 2], output.Context, 1e-6);
    }

    [Fact]
    public void Han_attention_scores_each_token_against_the_context_vector()
    {
        // W_w = I, u_w = (1, 0), x = [[1, 0], [0, 1]]
        // u = tanh(x) = [[tanh 1, 0], [0, tanh 1]] = [[0.761594, 0], [0, 0.761594]]
        // scores = u u_w = (0.761594, 0); α = (e^0.761594, 1) / (e^0.761594 + 1) = (2.141688, 1) / 3.141688
        // context = α_0 x_0 + α_1 x_1 = (α_0, α_1)
        var han = new ContextVectorAttention(2, masked: false);
        SetParameters(han, ("W_w", Of([1, 0, 0, 1], 2, 2)), ("u_w", Of([1, 0], 2, 1)));

        var output = han.forward(Of([1, 0, 0, 1], 1, 2, 2), null);

        double alpha0 = 2.141688 / 3.141688, alpha1 = 1 / 3.141688;
        Close([alpha0, alpha1], output.Weights, 1e-6);
        Close([alpha0, alpha1], output.Context, 1e-6);
        Assert.Null(output.Matrix);
    }

    [Fact]
    public void Han_attention_with_bias_adds_b_w_inside_the_tanh()
    {
        // W_w = I, b_w = (0, 1), u_w = (1, 1), x = [[1, 0], [0, 1]]
        // u = tanh(x + b_w) = [[tanh 1, tanh 1], [tanh 0, tanh 2]] = [[0.761594, 0.761594], [0, 0.964028]]
        // scores = (1.523188, 0.964028); α_0 = 1 / (1 + e^-(1.523188 - 0.964028)) = 1 / (1 + e^-0.559160)
        var han = new ContextVectorAttention(2, bias: true, masked: false);
        SetParameters(han, ("W_w", Of([1, 0, 0, 1], 2, 2)), ("b_w", Of([0, 1], 2)), ("u_w", Of([1, 1], 2, 1)));

        var output = han.forward(Of([1, 0, 0, 1], 1, 2, 2), null);

        var alpha0 = 1 / (1 + Math.Exp(-0.559160));
        Close([alpha0, 1 - alpha0], output.Weights, 1e-6);
        Close([alpha0, 1 - alpha0], output.Context, 1e-6);
    }

    [Fact]
    public void Last_state_reads_forward_at_the_last_real_token_and_backward_at_the_first()
    {
        // H = 1: column 0 is the forward direction, column 1 the backward one. Row 2 is padding.
        var x = Of([1, 10, 2, 20, 99, 99], 1, 3, 2);
        var mask = Mask([true, true, false], 1, 3);

        var output = new LastStatePooling(2).forward(x, mask);

        Close([2, 10], output.Context);           // forward state at t = 1, backward state at t = 0
        Close([0.5, 0.5, 0], output.Weights);
    }

    [Fact]
    public void Last_state_of_a_single_token_reads_that_token_whole()
    {
        var output = new LastStatePooling(2).forward(Of([1, 10, 99, 99], 1, 2, 2), Mask([true, false], 1, 2));

        Close([1, 10], output.Context);
        Close([1, 0], output.Weights);
    }

    [Fact]
    public void Unidirectional_last_state_is_the_whole_vector_at_the_last_real_token()
    {
        var output = new LastStatePooling(2, bidirectional: false).forward(Of([1, 10, 2, 20, 99, 99], 1, 3, 2), Mask([true, true, false], 1, 3));

        Close([2, 20], output.Context);
        Close([0, 1, 0], output.Weights);
    }

    [Fact]
    public void Mean_pooling_averages_the_real_tokens()
    {
        var output = new MeanPooling(2).forward(Of([1, 2, 3, 4, 99, 99], 1, 3, 2), Mask([true, true, false], 1, 3));

        Close([2, 3], output.Context);            // ((1 + 3) / 2, (2 + 4) / 2)
        Close([0.5, 0.5, 0], output.Weights);
    }

    [Fact]
    public void Sum_pooling_adds_the_real_tokens()
    {
        var output = new SumPooling(2).forward(Of([1, 2, 3, 4, 99, 99], 1, 3, 2), Mask([true, true, false], 1, 3));

        Close([4, 6], output.Context);            // (1 + 3, 2 + 4)
        Close([1, 1, 0], output.Weights);
    }

    [Fact]
    public void Sum_pooling_is_length_times_mean_pooling()
    {
        var x = randn(3, 6, 4, dtype: ScalarType.Float64);
        var mask = Masking.FromLengths(tensor(new long[] { 6, 2, 4 }), 6);

        var sum = new SumPooling(4).forward(x, mask).Context;
        var mean = new MeanPooling(4).forward(x, mask).Context;

        Close(mean * tensor(new double[] { 6, 2, 4 }).unsqueeze(1), sum, 1e-12);
    }

    [Fact]
    public void Max_pooling_takes_each_feature_from_the_real_token_that_maximises_it()
    {
        // Feature 0 is largest at t = 1 (3), feature 1 at t = 0 (4); the padding's 100s are ignored.
        var output = new MaxPooling(2).forward(Of([1, 4, 3, 2, 100, 100], 1, 3, 2), Mask([true, true, false], 1, 3));

        Close([3, 4], output.Context);
        Close([0.5, 0.5, 0], output.Weights);     // each real token supplied one of the two features
    }

    [Fact]
    public void Multi_head_pooling_with_identity_projections_and_two_heads_attends_per_feature()
    {
        // D = 2, h = 2, so d_h = 1 and head k sees only feature k. With identity projections and no biases:
        // head 0 on x_{:,0} = (2, 0): scores = [[4, 0], [0, 0]], rows (e^4, 1)/(e^4 + 1) and (½, ½)
        // head 1 on x_{:,1} = (0, 1): scores = [[0, 0], [0, 1]], rows (½, ½) and (1, e)/(1 + e)
        // y_{i,k} = Σ_j A^k_ij x_{j,k}; context = mean_i y_i
        var mhsa = new MultiHeadSelfAttentionPooling(2, heads: 2);
        IdentityProjections(mhsa);

        var output = mhsa.forward(Toy(), null);

        double e4 = Math.Exp(4), e = Math.E;
        var y00 = 2 * e4 / (e4 + 1);          // head 0, query 0
        var y10 = 2 * 0.5;                    // head 0, query 1
        var y01 = 1 * 0.5;                    // head 1, query 0
        var y11 = 1 * e / (1 + e);            // head 1, query 1
        Close([(y00 + y10) / 2, (y01 + y11) / 2], output.Context, 1e-9);
    }

    internal static void SetParameters(nn.Module module, params (string Name, Tensor Value)[] values)
    {
        module.to(ScalarType.Float64);
        using var noGrad = no_grad();
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, value) in values)
        {
            parameters[name].copy_(value);
        }
    }

    internal static void IdentityProjections(MultiHeadSelfAttentionPooling mhsa)
    {
        mhsa.to(ScalarType.Float64);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in mhsa.named_parameters())
        {
            if (name.EndsWith("weight", StringComparison.Ordinal))
            {
                parameter.copy_(eye(parameter.shape[0], dtype: ScalarType.Float64));
            }
            else
            {
                parameter.zero_();
            }
        }
    }
}
