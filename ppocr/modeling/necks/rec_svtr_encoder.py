"""EncoderWithSVTR: PP-OCRv3's SVTR sequence encoder (the "SVTR" half of SVTR_LCNet).

[N, C, 1, W] backbone features -> conv 3x3 (C/8) -> conv 1x1 (hidden_dims) -> ``depth`` global
self-attention blocks over the W positions -> LayerNorm -> conv 1x1 back to C -> concatenated with
the input -> conv 3x3 (C/8) -> conv 1x1 (``dims``) -> [N, dims, 1, W].

``use_guide`` (GTC): the encoder reads a gradient-stopped copy of the backbone features, so the CTC
branch does not train the backbone; in PP-OCRv3 the backbone learns from the SAR branch (and the
distillation losses) only. This is PaddleOCR's behaviour and matters for reproducing its training.
"""

from __future__ import annotations

import paddle
from paddle import nn
from paddle.nn.initializer import Constant, TruncatedNormal

from ppocr.errors import ConfigError
from ppocr.modeling.necks.svtr_blocks import Block, ConvBNAct


class EncoderWithSVTR(nn.Layer):
    def __init__(self, in_channels: int, dims: int = 64, depth: int = 2, hidden_dims: int = 120,
                 use_guide: bool = False, num_heads: int = 8, qkv_bias: bool = True,
                 mlp_ratio: float = 2.0, drop_rate: float = 0.1, attn_drop_rate: float = 0.1,
                 drop_path: float = 0.0, kernel_size=(3, 3), qk_scale: float | None = None):
        super().__init__()
        if not (isinstance(kernel_size, (list, tuple)) and len(kernel_size) == 2):
            raise ConfigError(f"svtr encoder: kernel_size must be a pair, got {kernel_size!r}")
        if in_channels % 8:
            raise ConfigError(f"svtr encoder: in_channels {in_channels} must be a multiple of 8")
        kernel_size = [int(k) for k in kernel_size]
        padding = [kernel_size[0] // 2, kernel_size[1] // 2]
        reduced = in_channels // 8
        self.depth = depth
        self.use_guide = use_guide
        self.conv1 = ConvBNAct(in_channels, reduced, kernel_size, padding=padding)
        self.conv2 = ConvBNAct(reduced, hidden_dims, 1)
        self.svtr_block = nn.LayerList([
            Block(hidden_dims, num_heads, mlp_ratio=mlp_ratio, qkv_bias=qkv_bias, qk_scale=qk_scale,
                  drop=drop_rate, attn_drop=attn_drop_rate, drop_path=drop_path, act_layer=nn.Swish,
                  epsilon=1e-5)
            for _ in range(depth)])
        self.norm = nn.LayerNorm(hidden_dims, epsilon=1e-6)
        self.conv3 = ConvBNAct(hidden_dims, in_channels, 1)
        # input is the shortcut (backbone features) concatenated with conv3's output
        self.conv4 = ConvBNAct(2 * in_channels, reduced, kernel_size, padding=padding)
        self.conv1x1 = ConvBNAct(reduced, dims, 1)
        self.out_channels = dims
        self._init_weights()

    def _init_weights(self) -> None:
        trunc_normal, zeros, ones = TruncatedNormal(std=0.02), Constant(0.0), Constant(1.0)
        for m in self.sublayers():
            if isinstance(m, nn.Linear):
                trunc_normal(m.weight)
                if m.bias is not None:
                    zeros(m.bias)
            elif isinstance(m, nn.LayerNorm):
                ones(m.weight)
                zeros(m.bias)

    def forward(self, x):
        z = x.detach() if self.use_guide else x
        shortcut = z
        z = self.conv2(self.conv1(z))
        _, c, h, w = z.shape
        z = z.flatten(2).transpose([0, 2, 1])  # [N, H*W, C]
        for block in self.svtr_block:
            z = block(z)
        z = self.norm(z)
        z = z.reshape([0, h, w, c]).transpose([0, 3, 1, 2])
        z = self.conv3(z)
        z = self.conv4(paddle.concat([shortcut, z], axis=1))
        return self.conv1x1(z)
