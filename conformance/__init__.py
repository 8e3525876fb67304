"""Conformance vectors: the format, the generator, the runner and the adapter protocol.

* :mod:`.authoring` -- ``@case`` functions and :func:`~.authoring.build_vector` [VEC-12];
* :mod:`.schema` -- the vector format v1 and its checker [VEC-2];
* :mod:`.store` -- vector directories, generation and the lock [VEC-8];
* :mod:`.protocol`, :mod:`.adapter`, :mod:`.client` -- the adapter protocol [ADP-1];
* :mod:`.runner`, :mod:`.report` -- running vectors and reporting [VEC-16];
* :mod:`.pytest_plugin` -- ``pytest --phala-vectors DIR``.

The normative text is ``spec/vectors.md`` and ``spec/adapter-protocol.md``.
"""
