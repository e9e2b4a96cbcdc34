"""PLY files (points, triangle or quad meshes, with any per-vertex and per-face channels) from
numpy arrays, as Taichi's PLYWriter writes them; Houdini, Blender and ParaView read them."""
import os
import warnings

import numpy as np

# PLY property types and their numpy types (little endian, as the binary files are written).
_PLY_TYPES = {"char": "<i1", "uchar": "<u1", "short": "<i2", "ushort": "<u2", "int": "<i4",
              "uint": "<u4", "float": "<f4", "double": "<f8"}


def _as_numpy(data):
    return data.to_numpy() if hasattr(data, "to_numpy") else np.asarray(data)


class PLYWriter:
    """Collects vertex (and face) channels, then writes them with export or export_ascii.

    Args:
        num_vertices (int): number of vertices.
        num_faces (int): number of faces (0 for a point cloud).
        face_type (str): "tri" or "quad".
        comment (str): written as the header's comment."""

    def __init__(self, num_vertices, num_faces=0, face_type="tri",
                 comment="created by PLYWriter"):
        if not isinstance(num_vertices, (int, np.integer)) or num_vertices <= 0:
            raise ValueError(f"num_vertices must be a positive integer; got {num_vertices!r}")
        if not isinstance(num_faces, (int, np.integer)) or num_faces < 0:
            raise ValueError(f"num_faces must be a non-negative integer; got {num_faces!r}")
        if face_type not in ("tri", "quad"):
            raise ValueError(f"face_type must be 'tri' or 'quad'; got {face_type!r}")
        self.num_vertices = int(num_vertices)
        self.num_faces = int(num_faces)
        self.face_type = face_type
        self.comment = comment
        self.vertex_channels, self.vertex_data_type, self.vertex_data = [], [], []
        self.face_channels, self.face_data_type, self.face_data = [], [], []
        # -1 marks faces not given yet (export refuses them).
        self.face_indices = -np.ones((self.num_faces, self.vert_per_face), dtype=np.int32)

    @property
    def vert_per_face(self):
        return 3 if self.face_type == "tri" else 4

    @property
    def num_vertex_channels(self):
        return len(self.vertex_channels)

    @property
    def num_face_channels(self):
        return len(self.face_channels)

    def _add_channel(self, element, count, key, data_type, data):
        names, types, values = ((self.vertex_channels, self.vertex_data_type, self.vertex_data)
                                if element == "vertex" else
                                (self.face_channels, self.face_data_type, self.face_data))
        if data_type not in _PLY_TYPES:
            # Taichi skips such a channel with a message; a warning names it (and the program
            # goes on, as it does in Taichi).
            warnings.warn(f"{element} channel {key!r}: data_type must be one of "
                          f"{', '.join(_PLY_TYPES)}; got {data_type!r}: channel skipped",
                          stacklevel=3)
            return
        if not isinstance(key, str) or not key or any(c.isspace() for c in key):
            raise ValueError(f"{element} channel key must be a non-empty word; got {key!r}")
        data = _as_numpy(data)
        if data.ndim == 1 and data.shape[0] == count:
            columns = [(key, data)]
        elif data.ndim == 2 and data.shape[0] == count:
            # An (n, k) array is k channels key_1 .. key_k, as in Taichi.
            columns = [(f"{key}_{i + 1}", data[:, i]) for i in range(data.shape[1])]
        else:
            raise ValueError(f"{element} channel {key!r}: data must have shape ({count},) or "
                             f"({count}, k); got {data.shape}")
        for name, column in columns:
            if name in names:
                warnings.warn(f"PLYWriter: duplicate {element} channel {name!r}")
            names.append(name)
            types.append(data_type)
            values.append(column.astype(_PLY_TYPES[data_type]))

    def add_vertex_channel(self, key, data_type, data):
        """Adds a vertex property `key` of PLY type data_type ("float", "int", "uchar", ...)."""
        self._add_channel("vertex", self.num_vertices, key, data_type, data)

    def add_vertex_pos(self, x, y, z):
        for key, data in (("x", x), ("y", y), ("z", z)):
            self.add_vertex_channel(key, "float", data)

    def add_vertex_normal(self, nx, ny, nz):
        for key, data in (("nx", nx), ("ny", ny), ("nz", nz)):
            self.add_vertex_channel(key, "float", data)

    def add_vertex_vel(self, vx, vy, vz):
        for key, data in (("vx", vx), ("vy", vy), ("vz", vz)):
            self.add_vertex_channel(key, "float", data)

    def add_vertex_color(self, r, g, b):
        for key, data in (("red", r), ("green", g), ("blue", b)):
            self.add_vertex_channel(key, "float", data)

    def add_vertex_alpha(self, alpha):
        self.add_vertex_channel("Alpha", "float", alpha)

    def add_vertex_rgba(self, r, g, b, a):
        self.add_vertex_color(r, g, b)
        self.add_vertex_alpha(a)

    def add_vertex_id(self):
        self.add_vertex_channel("id", "int", np.arange(self.num_vertices))

    def add_vertex_piece(self, piece):
        self.add_vertex_channel("piece", "int", piece)

    def add_faces(self, indices):
        """Sets the faces' vertex indices: num_faces * (3 or 4) values, in any shape."""
        indices = _as_numpy(indices)
        if indices.size != self.num_faces * self.vert_per_face:
            raise ValueError(f"add_faces: indices must hold {self.num_faces} x "
                             f"{self.vert_per_face} values ({self.face_type} faces); "
                             f"got shape {indices.shape}")
        self.face_indices = indices.reshape(self.num_faces, self.vert_per_face).astype(np.int32)

    def add_face_channel(self, key, data_type, data):
        self._add_channel("face", self.num_faces, key, data_type, data)

    def add_face_id(self):
        self.add_face_channel("id", "int", np.arange(self.num_faces))

    def add_face_piece(self, piece):
        self.add_face_channel("piece", "int", piece)

    def sanity_check(self):
        missing = [c for c in "xyz" if c not in self.vertex_channels]
        if missing:
            raise ValueError(f"PLYWriter: vertex position channel(s) {', '.join(missing)} "
                             "missing (call add_vertex_pos)")
        bad = (self.face_indices < 0) | (self.face_indices >= self.num_vertices)
        if bad.any():
            raise ValueError(f"PLYWriter: face indices must be in [0, {self.num_vertices}) "
                             f"(were add_faces called?); face {int(np.argmax(bad.any(1)))} has "
                             f"{self.face_indices[bad.any(1)][0].tolist()}")

    def _header(self, fmt):
        lines = ["ply", f"format {fmt} 1.0"]
        lines += [f"comment {c}" for c in str(self.comment).splitlines()]
        lines.append(f"element vertex {self.num_vertices}")
        lines += [f"property {t} {k}" for t, k in zip(self.vertex_data_type,
                                                       self.vertex_channels)]
        if self.num_faces:
            lines += [f"element face {self.num_faces}", "property list uchar int vertex_indices"]
            lines += [f"property {t} {k}" for t, k in zip(self.face_data_type,
                                                           self.face_channels)]
        return "\n".join(lines + ["end_header"]) + "\n"

    @staticmethod
    def _records(count, columns, head=()):
        """Packed little-endian rows (fields named by position: channel keys may repeat)."""
        rec = np.empty(count, np.dtype(list(head) + [(f"c{j}", c.dtype)
                                                     for j, c in enumerate(columns)]))
        for j, c in enumerate(columns):
            rec[f"c{j}"] = c
        return rec

    def export(self, path):
        """Writes a binary (little-endian) PLY file."""
        self.sanity_check()
        with open(os.fspath(path), "wb") as f:
            f.write(self._header("binary_little_endian").encode())
            f.write(self._records(self.num_vertices, self.vertex_data).tobytes())
            if self.num_faces:
                k = self.vert_per_face
                rec = self._records(self.num_faces, self.face_data,
                                    [("n", "u1"), ("idx", "<i4", (k,))])
                rec["n"], rec["idx"] = k, self.face_indices
                f.write(rec.tobytes())

    def export_ascii(self, path):
        """Writes a text PLY file (floats in the shortest form that reads back exactly)."""
        self.sanity_check()
        with open(os.fspath(path), "w") as f:
            f.write(self._header("ascii"))
            for row in zip(*(c.astype(str) for c in self.vertex_data)):
                f.write(" ".join(row) + "\n")
            if self.num_faces:
                cols = [np.full(self.num_faces, self.vert_per_face)] + \
                    list(self.face_indices.T) + self.face_data
                for row in zip(*(c.astype(str) for c in cols)):
                    f.write(" ".join(row) + "\n")

    @staticmethod
    def _frame_path(series_num, path):
        path = os.fspath(path)
        if path.endswith(".ply"):
            path = path[:-4]
        return f"{path}_{series_num:06d}.ply"

    def export_frame(self, series_num, path):
        """export to path_NNNNNN.ply (a numbered file of a sequence)."""
        self.export(self._frame_path(series_num, path))

    def export_frame_ascii(self, series_num, path):
        self.export_ascii(self._frame_path(series_num, path))


__all__ = ["PLYWriter"]
