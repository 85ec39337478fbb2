"""Building blocks of the SVTR sequence encoder: conv-BN-activation, global self-attention,
MLP, and the pre-norm transformer block that combines the last two.

Attribute names (``conv``/``norm``, ``norm1``/``mixer``/``norm2``/``mlp``, ``qkv``/``proj``,
``fc1``/``fc2``) and layer classes are PaddleOCR's, so checkpoints and exported parameter names match.
"""

from __future__ import annotations

import paddle
from paddle import ParamAttr, nn
from paddle.nn.initializer import KaimingUniform

from ppocr.errors import ConfigError
from ppocr.modeling.row_conv import conv_rows


class ConvBNAct(nn.Layer):
    """Conv2D (no bias, Kaiming-uniform) -> BatchNorm2D -> activation (Swish by default). In training,
    the conv skips the zero-padding rows of the encoder's one-pixel-high features (``conv_rows``)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size=3, stride=1, padding=0,
                 act=nn.Swish):
        super().__init__()
        self.conv = nn.Conv2D(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                              weight_attr=ParamAttr(initializer=KaimingUniform()), bias_attr=False)
        self.norm = nn.BatchNorm2D(out_channels)
        self.act = act()

    def forward(self, x):
        return self.act(self.norm(conv_rows(self.conv, x)))


class Attention(nn.Layer):
    """Global multi-head self-attention over a [N, L, C] sequence."""

    def __init__(self, dim: int, num_heads: int = 8, qkv_bias: bool = True, qk_scale: float | None = None,
                 attn_drop: float = 0.0, proj_drop: float = 0.0):
        super().__init__()
        if dim % num_heads:
            raise ConfigError(f"SVTR attention: dim {dim} is not divisible by num_heads {num_heads}")
        self.num_heads = num_heads
        self.dim = dim
        self.head_dim = dim // num_heads
        self.scale = qk_scale or self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias_attr=None if qkv_bias else False)
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x):
        # [N, L, 3C] -> [3, N, heads, L, head_dim]
        qkv = self.qkv(x).reshape([0, -1, 3, self.num_heads, self.head_dim]).transpose([2, 0, 3, 1, 4])
        q, k, v = qkv[0] * self.scale, qkv[1], qkv[2]
        attn = paddle.nn.functional.softmax(q.matmul(k.transpose([0, 1, 3, 2])), axis=-1)
        attn = self.attn_drop(attn)
        x = attn.matmul(v).transpose([0, 2, 1, 3]).reshape([0, -1, self.dim])
        return self.proj_drop(self.proj(x))


class Mlp(nn.Layer):
    def __init__(self, in_features: int, hidden_features: int, act_layer=nn.Swish, drop: float = 0.0):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden_features)
        self.act = act_layer()
        self.fc2 = nn.Linear(hidden_features, in_features)
        self.drop = nn.Dropout(drop)

    def forward(self, x):
        x = self.drop(self.act(self.fc1(x)))
        return self.drop(self.fc2(x))


class DropPath(nn.Layer):
    """Stochastic depth: drop the residual branch of whole samples while training."""

    def __init__(self, drop_prob: float):
        super().__init__()
        self.drop_prob = drop_prob

    def forward(self, x):
        if not self.training or self.drop_prob == 0.0:
            return x
        keep = 1.0 - self.drop_prob
        mask = paddle.floor(keep + paddle.rand([x.shape[0]] + [1] * (x.ndim - 1), dtype=x.dtype))
        return x / keep * mask


class Block(nn.Layer):
    """Pre-norm transformer block: x + mixer(norm1(x)), then x + mlp(norm2(x))."""

    def __init__(self, dim: int, num_heads: int, mlp_ratio: float = 4.0, qkv_bias: bool = True,
                 qk_scale: float | None = None, drop: float = 0.0, attn_drop: float = 0.0,
                 drop_path: float = 0.0, act_layer=nn.Swish, epsilon: float = 1e-5):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, epsilon=epsilon)
        self.mixer = Attention(dim, num_heads=num_heads, qkv_bias=qkv_bias, qk_scale=qk_scale,
                               attn_drop=attn_drop, proj_drop=drop)
        self.drop_path = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.norm2 = nn.LayerNorm(dim, epsilon=epsilon)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), act_layer=act_layer, drop=drop)

    def forward(self, x):
        x = x + self.drop_path(self.mixer(self.norm1(x)))
        return x + self.drop_path(self.mlp(self.norm2(x)))
