"""The demo province: Hòa Bình as it stood in 2022, built deterministically.

`dangvien demo` (and `make run`) call `dangvien.demo.builder.build_demo`. A plain
package, not a Django app: it has no models of its own.
"""
