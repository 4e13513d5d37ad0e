"""The JSON API under /api/v1/ (django-ninja): one NinjaAPI, one router per domain.

To add a domain: write `routers/<domain>.py` with `router = Router(tags=[...])`, operations
that parse input, call one selector or service and return plain data, declared with
`response={200: Schema, **ERRORS}`; then add it to ROUTERS below. Authentication (the
token), the per-token rate limit and JSON errors come from here, for every router.
"""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from . import errors
from .auth import TokenAuth, TokenRateThrottle
from .routers import candidacies, deadlines, members, periods, plans, ratings, units

ROUTERS = [units, members, candidacies, deadlines, plans, ratings, periods]


class DangvienAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI schema is built once per process: pydantic takes about 150 ms
    to build it, and it holds no data, only the operations, the same for every user."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        built = self.__dict__.setdefault("_dv_schemas", {})
        if path_prefix not in built:
            built[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return built[path_prefix]


api = DangvienAPI(
    title="dangvien API",
    version="1",
    description=(
        "API của hệ thống phát triển đảng viên. Mọi yêu cầu gửi mã truy cập cá nhân: "
        "`Authorization: Bearer <mã>` (tạo ở trang 'Tài khoản của tôi'). Phạm vi dữ liệu đúng "
        "như trên trang web; đối tượng ngoài phạm vi trả 404."),
    auth=TokenAuth(),
    throttle=[TokenRateThrottle()],
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api-v1",
)
errors.install(api)

for module in ROUTERS:
    api.add_router("/", module.router)
