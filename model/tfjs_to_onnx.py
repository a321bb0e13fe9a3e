#!/usr/bin/python3
"""Convert a TF.js graph model (model.json + binary weight shards) to ONNX.

Only the onnx and numpy packages are used.  The converter is deliberately
small: it supports the ops that the CenterNet/MobileNetV3 graph of
@vladmandic/human needs on the way to the requested outputs, and it stops with
an error on anything else instead of guessing.

Layout: TF.js graphs are NHWC.  ONNX Conv is NCHW, so the graph input is
transposed to NCHW once, every rank-4 activation is kept in NCHW inside the
ONNX graph, and each graph output is transposed back to NHWC.  The converter
tracks every tensor's shape in TF (NHWC) terms; non rank-4 activations are
rejected, which keeps the layout bookkeeping trivial.

Usage:
    tfjs_to_onnx.py MODEL_JSON OUT_ONNX --output tower_0/keypoints [--output ...]
"""

import argparse
import base64
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

DEFAULT_OPSET = 13
NHWC_TO_NCHW = [0, 3, 1, 2]
NCHW_TO_NHWC = [0, 2, 3, 1]
# TF axis in NHWC -> axis of the same dimension in NCHW
NHWC_AXIS_TO_NCHW = {0: 0, 1: 2, 2: 3, 3: 1}


class ConversionError(Exception):
    pass


# --------------------------------------------------------------------------
# Reading the TF.js model


def load_weights(manifest, base_dir):
    """Decode every weight of the manifest into a float32/int32 numpy array."""
    weights = {}
    for group in manifest:
        buf = b"".join(_read_file(os.path.join(base_dir, p)) for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            array, size = _decode_weight(spec, buf, offset)
            weights[spec["name"]] = array
            offset += size
        if offset != len(buf):
            raise ConversionError(
                "weight group %s: manifest describes %d bytes, files hold %d"
                % (group["paths"], offset, len(buf)))
    return weights


def _read_file(path):
    with open(path, "rb") as f:
        return f.read()


_PLAIN_DTYPES = {"float32": np.float32, "int32": np.int32, "bool": np.bool_}
_STORED_DTYPES = {"float16": np.float16, "uint8": np.uint8, "uint16": np.uint16}


def _decode_weight(spec, buf, offset):
    """Return (array, bytes consumed) for one weight entry."""
    shape = [int(d) for d in spec["shape"]]
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    dtype = spec["dtype"]
    if dtype not in _PLAIN_DTYPES:
        raise ConversionError("weight %s: unsupported dtype %s" % (spec["name"], dtype))
    quant = spec.get("quantization")
    if quant is None:
        np_type = np.dtype(_PLAIN_DTYPES[dtype]).newbyteorder("<")
        raw = np.frombuffer(buf, dtype=np_type, count=count, offset=offset)
        return raw.astype(_PLAIN_DTYPES[dtype]).reshape(shape), count * np_type.itemsize
    stored = quant["dtype"]
    if stored not in _STORED_DTYPES:
        raise ConversionError("weight %s: unsupported quantization %s" % (spec["name"], stored))
    np_type = np.dtype(_STORED_DTYPES[stored]).newbyteorder("<")
    raw = np.frombuffer(buf, dtype=np_type, count=count, offset=offset)
    if stored == "float16":
        values = raw.astype(np.float32)
    else:  # affine integer quantization: value = q * scale + min
        values = raw.astype(np.float32) * np.float32(quant["scale"]) + np.float32(quant["min"])
    return values.astype(_PLAIN_DTYPES[dtype]).reshape(shape), count * np_type.itemsize


# --------------------------------------------------------------------------
# Attribute helpers (TF.js keeps the TF AttrValue protos as JSON)


def attr_str(node, key, default=None):
    value = node.get("attr", {}).get(key)
    if value is None:
        return default
    return base64.b64decode(value["s"]).decode("utf-8")


def attr_bool(node, key, default=False):
    value = node.get("attr", {}).get(key)
    return default if value is None else bool(value.get("b", False))


def attr_int_list(node, key, default=None):
    value = node.get("attr", {}).get(key)
    if value is None:
        return default
    return [int(i) for i in value.get("list", {}).get("i", [])]


def attr_str_list(node, key):
    value = node.get("attr", {}).get(key, {})
    return [base64.b64decode(s).decode("utf-8") for s in value.get("list", {}).get("s", [])]


def attr_shape(node, key):
    dims = node["attr"][key]["shape"].get("dim", [])
    return [int(d.get("size", -1)) for d in dims]


def input_name(ref):
    """Strip the output index from a node input reference ('a:0' -> 'a')."""
    if ref.startswith("^"):
        raise ConversionError("control dependency %s is not supported" % ref)
    name, _, index = ref.partition(":")
    if index not in ("", "0"):
        raise ConversionError("input %s uses output %s; only output 0 is supported" % (ref, index))
    return name


# --------------------------------------------------------------------------
# Graph selection


def reachable_nodes(nodes, outputs):
    """Names of all nodes needed to compute `outputs`, in topological order."""
    order, state = [], {}
    for out in outputs:
        if out not in nodes:
            raise ConversionError("output %s is not a node of the graph" % out)
        stack = [(out, False)]
        while stack:
            name, done = stack.pop()
            if done:
                state[name] = "done"
                order.append(name)
                continue
            if state.get(name) == "done":
                continue
            if state.get(name) == "open":
                raise ConversionError("cycle through node %s" % name)
            state[name] = "open"
            stack.append((name, True))
            for ref in reversed(nodes[name].get("input", [])):
                dep = ref.lstrip("^").partition(":")[0]
                if state.get(dep) != "done":
                    stack.append((dep, False))
    return order


# --------------------------------------------------------------------------
# Shape arithmetic


def same_padding(size, kernel, stride, dilation):
    """TF 'SAME' padding for one spatial dimension: (begin, end, out)."""
    out = -(-size // stride)
    effective = (kernel - 1) * dilation + 1
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2, out


def conv_output_and_pads(in_hw, kernel_hw, strides, dilations, padding, explicit):
    """Output spatial size and ONNX pads [top, left, bottom, right]."""
    out, begins, ends = [], [], []
    for i in range(2):
        if padding == "SAME":
            begin, end, size = same_padding(in_hw[i], kernel_hw[i], strides[i], dilations[i])
        elif padding in ("VALID", "EXPLICIT"):
            begin, end = (explicit[2 * (i + 1)], explicit[2 * (i + 1) + 1]) if padding == "EXPLICIT" else (0, 0)
            effective = (kernel_hw[i] - 1) * dilations[i] + 1
            size = (in_hw[i] + begin + end - effective) // strides[i] + 1
        else:
            raise ConversionError("unsupported padding %s" % padding)
        out.append(size)
        begins.append(begin)
        ends.append(end)
    return out, begins + ends


def broadcast_shapes(a, b):
    rank = max(len(a), len(b))
    a = [1] * (rank - len(a)) + list(a)
    b = [1] * (rank - len(b)) + list(b)
    out = []
    for x, y in zip(a, b):
        if x != y and 1 not in (x, y):
            raise ConversionError("cannot broadcast %s and %s" % (a, b))
        out.append(max(x, y))
    return out


# --------------------------------------------------------------------------
# The converter


class Converter:
    """Builds an ONNX graph from the TF.js nodes, one handler per op kind."""

    def __init__(self, model, weights, outputs, opset=DEFAULT_OPSET):
        self.nodes = {n["name"]: n for n in model["modelTopology"]["node"]}
        self.weights = weights
        self.outputs = list(outputs)
        self.opset = opset
        self.onnx_nodes = []
        self.initializers = {}
        self.graph_inputs = []
        self.shapes = {}     # TF tensor name -> NHWC shape
        self.onnx_name = {}  # TF tensor name -> ONNX tensor name (NCHW if rank 4)
        self.used_ops = set()
        self.handlers = {
            "Placeholder": self.convert_placeholder,
            "Const": self.convert_const,
            "Identity": self.convert_identity,
            "Conv2D": self.convert_conv2d,
            "_FusedConv2D": self.convert_conv2d,
            "DepthwiseConv2dNative": self.convert_depthwise,
            "FusedDepthwiseConv2dNative": self.convert_depthwise,
            "Add": self.convert_binary,
            "AddV2": self.convert_binary,
            "Mul": self.convert_binary,
            "Sub": self.convert_binary,
            "RealDiv": self.convert_binary,
            "Relu": self.convert_relu,
            "Relu6": self.convert_relu6,
            "Sigmoid": self.convert_sigmoid,
            "Mean": self.convert_mean,
            "ConcatV2": self.convert_concat,
            "ResizeBilinear": self.convert_resize_bilinear,
        }

    # ---- driver ---------------------------------------------------------

    def convert(self, producer="autotag tfjs_to_onnx", doc=""):
        for name in reachable_nodes(self.nodes, self.outputs):
            node = self.nodes[name]
            handler = self.handlers.get(node["op"])
            if handler is None:
                raise ConversionError("unsupported op %s (node %s)" % (node["op"], name))
            self.used_ops.add(node["op"])
            handler(node)
        graph_outputs = [self.emit_graph_output(name) for name in self.outputs]
        graph = helper.make_graph(
            self.onnx_nodes, "tfjs_graph", self.graph_inputs, graph_outputs,
            initializer=list(self.initializers.values()))
        model = helper.make_model(
            graph, producer_name=producer, producer_version="1",
            opset_imports=[helper.make_operatorsetid("", self.opset)], doc_string=doc)
        return model

    # ---- bookkeeping helpers -------------------------------------------

    def tensor(self, ref):
        """ONNX name of a TF activation input; it must already be converted."""
        name = input_name(ref)
        if name not in self.onnx_name:
            raise ConversionError("%s is used as an activation but is a constant or unknown" % name)
        return self.onnx_name[name]

    def const_value(self, ref):
        name = input_name(ref)
        if self.nodes[name]["op"] != "Const":
            raise ConversionError("%s must be a constant" % name)
        if name not in self.weights:
            raise ConversionError("constant %s has no value in the weights manifest" % name)
        return self.weights[name]

    def is_const(self, ref):
        return self.nodes[input_name(ref)]["op"] == "Const"

    def add_initializer(self, name, array):
        if name in self.initializers:
            if not np.array_equal(numpy_helper.to_array(self.initializers[name]), array):
                raise ConversionError("initializer %s would be defined twice differently" % name)
            return name
        self.initializers[name] = numpy_helper.from_array(np.array(array, order="C"), name)
        return name

    def add_node(self, op_type, inputs, tf_name, shape, **attrs):
        """Emit one ONNX node producing the TF tensor `tf_name` (NHWC shape)."""
        if len(shape) != 4:
            raise ConversionError("%s: only rank-4 activations are supported, got %s" % (tf_name, shape))
        out = tf_name + "__nchw" if tf_name in self.outputs else tf_name
        self.onnx_nodes.append(helper.make_node(op_type, inputs, [out], name=out, **attrs))
        self.onnx_name[tf_name] = out
        self.shapes[tf_name] = list(shape)
        return out

    def add_aux_node(self, op_type, inputs, out, **attrs):
        """Emit a helper ONNX node whose output is not a TF tensor."""
        self.onnx_nodes.append(helper.make_node(op_type, inputs, [out], name=out, **attrs))
        return out

    def emit_graph_output(self, tf_name):
        shape = self.shapes[tf_name]
        self.add_aux_node("Transpose", [self.onnx_name[tf_name]], tf_name, perm=NCHW_TO_NHWC)
        return helper.make_tensor_value_info(tf_name, TensorProto.FLOAT, shape)

    def apply_activation(self, activation, x, node_name, shape):
        """Apply a fused activation ('Relu', 'Relu6', 'Sigmoid') to ONNX tensor x."""
        if activation == "Relu":
            return self.add_node("Relu", [x], node_name, shape)
        if activation == "Relu6":
            return self.add_node("Clip", [x, self.scalar(0.0), self.scalar(6.0)], node_name, shape)
        if activation == "Sigmoid":
            return self.add_node("Sigmoid", [x], node_name, shape)
        raise ConversionError("%s: unsupported fused activation %s" % (node_name, activation))

    def scalar(self, value):
        return self.add_initializer("const/scalar_%r" % float(value), np.array(value, dtype=np.float32))

    # ---- op handlers ----------------------------------------------------

    def convert_placeholder(self, node):
        shape = attr_shape(node, "shape")
        if len(shape) != 4 or any(d <= 0 for d in shape):
            raise ConversionError("input %s must have a static NHWC shape, got %s" % (node["name"], shape))
        if node["attr"]["dtype"]["type"] != "DT_FLOAT":
            raise ConversionError("input %s must be float32" % node["name"])
        name = node["name"]
        self.graph_inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))
        self.add_aux_node("Transpose", [name], name + "__nchw", perm=NHWC_TO_NCHW)
        self.onnx_name[name] = name + "__nchw"
        self.shapes[name] = shape

    def convert_const(self, node):
        # Constants are materialised lazily by the ops that use them, because
        # the right ONNX layout depends on the consumer (filter, bias, axis...).
        self.const_value(node["name"])

    def convert_identity(self, node):
        src = input_name(node["input"][0])
        self.add_node("Identity", [self.tensor(src)], node["name"], self.shapes[src])

    def conv_geometry(self, node, kernel_hw):
        """Common checks and (strides, dilations, pads, out_hw) of a 2-D conv."""
        if attr_str(node, "data_format", "NHWC") != "NHWC":
            raise ConversionError("%s: only NHWC is supported" % node["name"])
        strides = attr_int_list(node, "strides", [1, 1, 1, 1])
        dilations = attr_int_list(node, "dilations", [1, 1, 1, 1])
        if strides[0] != 1 or strides[3] != 1 or dilations[0] != 1 or dilations[3] != 1:
            raise ConversionError("%s: batch/channel strides or dilations must be 1" % node["name"])
        in_shape = self.shapes[input_name(node["input"][0])]
        out_hw, pads = conv_output_and_pads(
            in_shape[1:3], kernel_hw, strides[1:3], dilations[1:3],
            attr_str(node, "padding"), attr_int_list(node, "explicit_paddings", []))
        return strides[1:3], dilations[1:3], pads, out_hw

    def fused_ops(self, node):
        """Split a fused op list into (bias ONNX name or None, activation or None)."""
        ops = attr_str_list(node, "fused_ops")
        if not ops:
            return None, None
        if ops[0] != "BiasAdd":
            raise ConversionError("%s: unsupported fused ops %s" % (node["name"], ops))
        num_args = int(node["attr"].get("num_args", {}).get("i", 1))
        if num_args != 1 or len(node["input"]) != 3 or len(ops) > 2:
            raise ConversionError("%s: unsupported fused op arguments %s" % (node["name"], ops))
        bias = self.const_value(node["input"][2]).astype(np.float32)
        bias_name = self.add_initializer(input_name(node["input"][2]), bias)
        return bias_name, (ops[1] if len(ops) == 2 else None)

    def emit_conv(self, node, weight_name, group, kernel_hw, out_channels):
        strides, dilations, pads, out_hw = self.conv_geometry(node, kernel_hw)
        bias, activation = self.fused_ops(node)
        in_shape = self.shapes[input_name(node["input"][0])]
        out_shape = [in_shape[0], out_hw[0], out_hw[1], out_channels]
        inputs = [self.tensor(node["input"][0]), weight_name] + ([bias] if bias else [])
        conv_name = node["name"] + ("/conv" if activation else "")
        x = self.add_node("Conv", inputs, conv_name, out_shape, group=group,
                          kernel_shape=list(kernel_hw), strides=strides,
                          dilations=dilations, pads=pads)
        if activation:
            self.apply_activation(activation, x, node["name"], out_shape)

    def convert_conv2d(self, node):
        """Conv2D / _FusedConv2D: TF filter HWIO -> ONNX OIHW."""
        filt = self.const_value(node["input"][1])
        in_channels = self.shapes[input_name(node["input"][0])][3]
        if filt.shape[2] != in_channels:
            raise ConversionError("%s: grouped Conv2D is not supported" % node["name"])
        weight = self.add_initializer(input_name(node["input"][1]),
                                      filt.transpose(3, 2, 0, 1).astype(np.float32))
        self.emit_conv(node, weight, 1, filt.shape[:2], filt.shape[3])

    def convert_depthwise(self, node):
        """Depthwise conv: TF filter [H, W, C, M] -> ONNX [C*M, 1, H, W], group=C."""
        filt = self.const_value(node["input"][1])
        kh, kw, channels, mult = filt.shape
        weight = filt.reshape(kh, kw, channels * mult, 1).transpose(2, 3, 0, 1)
        weight_name = self.add_initializer(input_name(node["input"][1]), weight.astype(np.float32))
        self.emit_conv(node, weight_name, channels, (kh, kw), channels * mult)

    def binary_operand(self, ref, other_rank):
        """(ONNX name, NHWC shape) of an elementwise operand."""
        if not self.is_const(ref):
            name = input_name(ref)
            return self.tensor(name), self.shapes[name]
        value = self.const_value(ref).astype(np.float32)
        name = input_name(ref)
        if value.ndim == 0:
            return self.add_initializer(name, value), []
        if value.ndim == 1 and other_rank == 4:  # broadcasts over channels
            return self.add_initializer(name, value.reshape(-1, 1, 1)), list(value.shape)
        if value.ndim == 4:
            return self.add_initializer(name, value.transpose(NHWC_TO_NCHW)), list(value.shape)
        raise ConversionError("constant operand %s with shape %s is not supported" % (name, value.shape))

    def convert_binary(self, node):
        onnx_op = {"Add": "Add", "AddV2": "Add", "Mul": "Mul", "Sub": "Sub", "RealDiv": "Div"}[node["op"]]
        refs = node["input"]
        if all(self.is_const(r) for r in refs):
            raise ConversionError("%s: constant folding is not supported" % node["name"])
        ranks = [len(self.shapes[input_name(r)]) for r in refs if not self.is_const(r)]
        a, shape_a = self.binary_operand(refs[0], max(ranks))
        b, shape_b = self.binary_operand(refs[1], max(ranks))
        self.add_node(onnx_op, [a, b], node["name"], broadcast_shapes(shape_a, shape_b))

    def convert_relu(self, node):
        src = input_name(node["input"][0])
        self.apply_activation("Relu", self.tensor(src), node["name"], self.shapes[src])

    def convert_relu6(self, node):
        src = input_name(node["input"][0])
        self.apply_activation("Relu6", self.tensor(src), node["name"], self.shapes[src])

    def convert_sigmoid(self, node):
        src = input_name(node["input"][0])
        self.apply_activation("Sigmoid", self.tensor(src), node["name"], self.shapes[src])

    def convert_mean(self, node):
        src = input_name(node["input"][0])
        axes = [int(a) % 4 for a in np.atleast_1d(self.const_value(node["input"][1]))]
        if not attr_bool(node, "keep_dims"):
            raise ConversionError("%s: Mean without keep_dims is not supported" % node["name"])
        shape = [1 if i in axes else d for i, d in enumerate(self.shapes[src])]
        self.add_node("ReduceMean", [self.tensor(src)], node["name"], shape,
                      axes=sorted(NHWC_AXIS_TO_NCHW[a] for a in axes), keepdims=1)

    def convert_concat(self, node):
        count = int(node["attr"]["N"]["i"])
        refs, axis_ref = node["input"][:count], node["input"][count]
        axis = int(self.const_value(axis_ref)) % 4
        shapes = [self.shapes[input_name(r)] for r in refs]
        out = list(shapes[0])
        out[axis] = sum(s[axis] for s in shapes)
        self.add_node("Concat", [self.tensor(r) for r in refs], node["name"], out,
                      axis=NHWC_AXIS_TO_NCHW[axis])

    def convert_resize_bilinear(self, node):
        align = attr_bool(node, "align_corners")
        half_pixel = attr_bool(node, "half_pixel_centers")
        if align and half_pixel:
            raise ConversionError("%s: align_corners and half_pixel_centers both set" % node["name"])
        mode = "align_corners" if align else ("half_pixel" if half_pixel else "asymmetric")
        src = input_name(node["input"][0])
        n, _, _, c = self.shapes[src]
        new_h, new_w = [int(v) for v in self.const_value(node["input"][1])]
        sizes = self.add_initializer(node["name"] + "/sizes", np.array([n, c, new_h, new_w], dtype=np.int64))
        self.add_node("Resize", [self.tensor(src), "", "", sizes], node["name"], [n, new_h, new_w, c],
                      mode="linear", coordinate_transformation_mode=mode)


# --------------------------------------------------------------------------
# Entry point


def convert_file(model_json, outputs, opset=DEFAULT_OPSET, doc=""):
    with open(model_json, "r", encoding="utf-8") as f:
        model = json.load(f)
    if model.get("format") not in (None, "graph-model"):
        raise ConversionError("not a TF.js graph model: format=%s" % model.get("format"))
    weights = load_weights(model["weightsManifest"], os.path.dirname(os.path.abspath(model_json)))
    converter = Converter(model, weights, outputs, opset)
    onnx_model = converter.convert(doc=doc)
    onnx.checker.check_model(onnx_model, full_check=True)
    return onnx_model, sorted(converter.used_ops)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_json")
    parser.add_argument("out_onnx")
    parser.add_argument("--output", action="append", required=True,
                        help="TF.js node to expose as a graph output (repeatable)")
    parser.add_argument("--opset", type=int, default=DEFAULT_OPSET)
    parser.add_argument("--doc", default="", help="doc_string stored in the ONNX model")
    args = parser.parse_args(argv)
    try:
        model, ops = convert_file(args.model_json, args.output, args.opset, args.doc)
    except ConversionError as e:
        sys.exit("tfjs_to_onnx: error: %s" % e)
    with open(args.out_onnx, "wb") as f:
        f.write(model.SerializeToString())
    print("converted ops: %s" % ", ".join(ops))
    print("wrote %s (%d nodes, %d initializers)" % (
        args.out_onnx, len(model.graph.node), len(model.graph.initializer)))


if __name__ == "__main__":
    main()
